"""Titles, alternative texts and captions in English and Russian (django-modeltranslation),
then the history (django-simple-history), registered after the translation columns exist so
that history keeps both languages — as ``activities/translation.py`` does."""

from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from attachments.models import Attachment


@register(Attachment)
class AttachmentTranslation(TranslationOptions):
    fields = ("title", "alt_text", "caption")


register_history(
    Attachment, app="attachments", excluded_fields=["title", "alt_text", "caption"],
    verbose_name=_("attachment history"), verbose_name_plural=_("attachment history"),
)
