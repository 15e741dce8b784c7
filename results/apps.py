from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    """Each project's results framework (results → indicators → periods); its translation
    fields and history are registered in ``results/translation.py`` (found by
    django-modeltranslation, as ``activities/translation.py`` is)."""

    name = "results"
    verbose_name = _("Results")
    default_auto_field = "django.db.models.BigAutoField"
