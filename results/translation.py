"""The framework's wording in English and Russian (django-modeltranslation), then its history
(django-simple-history), registered after the translation columns exist so that history keeps
both languages — as ``activities/translation.py`` does, and for the same reasons."""

from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from results.models import Indicator, Period, Result


@register(Result)
class ResultTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title", "description", "unit", "baseline_note", "qualitative_note")


@register(Period)
class PeriodTranslation(TranslationOptions):
    fields = ("actual_note",)


register_history(
    Result, app="results", excluded_fields=["title", "description"],
    verbose_name=_("result history"), verbose_name_plural=_("result history"),
)
register_history(
    Indicator, app="results",
    excluded_fields=["title", "description", "unit", "baseline_note", "qualitative_note"],
    verbose_name=_("indicator history"), verbose_name_plural=_("indicator history"),
)
register_history(
    Period, app="results", excluded_fields=["actual_note"],
    verbose_name=_("period history"), verbose_name_plural=_("period history"),
)
