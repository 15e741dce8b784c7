from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Programme record")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the signals that keep the stored participant summaries (README, "Stored
        # summaries") equal to the rows.
        from django.db.models.signals import post_migrate

        from activities import summaries

        post_migrate.connect(summaries.fill_after_migrate, sender=self,
                             dispatch_uid="summaries-fill-after-migrate")
