"""Records' content in English and Russian (django-modeltranslation).

Each registered field gets a column per language (``title_en``, ``title_ru``). English is the
record's own text and is required where the field is; Russian is entered by the people who
write it, never machine-translated. Reading ``event.title`` gives the reader's language and
falls back to English (``unodc_portal.core.templatetags.content_lang`` marks such a fallback
with ``lang="en"`` on Russian pages).

History is registered here, after the translation fields exist, so that django-simple-history's
copies hold both languages (``title_en``, ``title_ru``) rather than the language of whoever
saved. The original column (``title``) is left out of history: it only mirrors the language
that was active when the record was saved.
"""

from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from activities.models import Article, Event, Organisation, Project, Substance, Theme


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "kicker", "body")


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Substance)
class SubstanceTranslation(TranslationOptions):
    fields = ("name",)


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "topics")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)


register_history(
    Event, app="activities", excluded_fields=["title", "description", "topics"],
    verbose_name=_("event history"), verbose_name_plural=_("event history"),
)
register_history(
    Project, app="activities", excluded_fields=["title", "description"],
    verbose_name=_("project history"), verbose_name_plural=_("project history"),
)
