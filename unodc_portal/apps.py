from django.apps import AppConfig


class UnodcPortalConfig(AppConfig):
    name = "unodc_portal"
    verbose_name = "Portal"
