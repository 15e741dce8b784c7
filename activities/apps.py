from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Programme record"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connects the signals that keep the stored participant summaries (README, "Stored
        # summaries") equal to the rows.
        from activities import summaries  # noqa: F401
