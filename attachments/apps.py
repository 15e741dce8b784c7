from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Files kept beside the records they belong to: agendas, attendance sheets, presentations,
    reports, photos and seizure evidence on events, seizures, projects and articles.

    The app sits above ``activities`` in the import layers: the records know nothing of their
    files. Pages show them through this app's template tags, and a record whose visibility
    changes (an article published, a draft again) brings its files' public copies in step through
    the signals connected here (``attachments.publishing``). Translation columns and history are
    registered in ``attachments/translation.py``."""

    name = "attachments"
    verbose_name = _("Attachments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from attachments import publishing

        publishing.connect_signals()
