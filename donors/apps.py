from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = _("Donors and contributions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from donors import currency
        from donors.models import ExchangeRate

        # A rate saved or deleted anywhere (admin, bulk delete, fixtures) converts its
        # currency's contributions again.
        post_save.connect(currency.rate_changed, sender=ExchangeRate,
                          dispatch_uid="donors_rate_saved")
        post_delete.connect(currency.rate_changed, sender=ExchangeRate,
                            dispatch_uid="donors_rate_deleted")
