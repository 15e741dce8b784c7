from django.apps import AppConfig


class DonorsConfig(AppConfig):
    name = "donors"
    verbose_name = "Donors and contributions"
    default_auto_field = "django.db.models.BigAutoField"
