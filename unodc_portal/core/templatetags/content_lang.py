"""Records' content in the reader's language (django-modeltranslation's columns).

``{{ event|content:"title" }}`` gives the reader's language; where a Russian reader gets the
English text because no Russian version was entered, it comes inside ``<span lang="en">`` so
that screen readers and hyphenation read it as English. ``{% content_note obj "title" "body" %}``
says so in words on a record's page. Fields that are not translated (no ``title_ru`` column)
are given as they are.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

register = template.Library()

DEFAULT = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def reader_language() -> str:
    return (get_language() or DEFAULT).split("-")[0]


def falls_back(obj, field: str) -> bool:
    """Whether ``field`` of ``obj`` is shown in English to a reader of another language."""
    language = reader_language()
    if obj is None or language == DEFAULT or not hasattr(obj, f"{field}_{language}"):
        return False
    return not getattr(obj, f"{field}_{language}") and bool(getattr(obj, f"{field}_{DEFAULT}"))


@register.filter
def content(obj, field):
    """The field in the reader's language; the English fallback marked with its language."""
    if obj is None:
        return ""
    value = getattr(obj, field, "")
    if falls_back(obj, field):
        return format_html('<span lang="{}">{}</span>', DEFAULT, value)
    return value


@register.filter
def content_lang(obj, field):
    """``lang="en"`` (attribute text) where the field falls back to English, else nothing: for
    an element that holds the text itself, ``<h1{{ article|content_lang:"title" }}>``."""
    if falls_back(obj, field):
        return format_html(' lang="{}"', DEFAULT)
    return ""


@register.simple_tag
def content_note(obj, *fields):
    """A visible note on a record's page when any of ``fields`` is shown in English."""
    if any(falls_back(obj, field) for field in fields):
        return format_html(
            '<p class="small text-body-secondary content-note">{}</p>',
            gettext("Not yet translated into Russian: shown in English."),
        )
    return ""
