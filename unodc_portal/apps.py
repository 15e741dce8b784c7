from django.apps import AppConfig


class UnodcPortalConfig(AppConfig):
    name = "unodc_portal"
    verbose_name = "Portal"

    def ready(self):
        from unodc_portal import checks  # noqa: F401  (registers the system checks)
