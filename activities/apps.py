from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Programme record"
    default_auto_field = "django.db.models.BigAutoField"
