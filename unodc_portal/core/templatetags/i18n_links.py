"""The language switcher and the head's ``hreflang`` alternates: plain links to the same page in
the other language (``unodc_portal.core.languages``)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

register = template.Library()


def _alternates(request):
    """(code, name, address of this page in that language, is current) per language."""
    current = translation.get_language()
    held = getattr(request, "_language_alternates", None)
    if held is not None and held[0] == current:
        return held[1]  # the head's alternates and the switcher: one resolve per page, not two
    path = request.get_full_path() if request is not None else "/"
    alternates = [
        (code, name, translate_url(path, code), code == current)
        for code, name in settings.LANGUAGES
    ]
    if request is not None:
        request._language_alternates = (current, alternates)
    return alternates


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context):
    """The switcher: one link per other language, through ``/language/<code>/`` so that the
    choice is remembered; the current language is named, not linked."""
    request = context.get("request")
    links = []
    for code, name, address, current in _alternates(request):
        switch = reverse("switch_language", args=[code]) + "?" + urlencode({"next": address})
        links.append({"code": code, "name": name, "href": switch, "current": current})
    return {"links": links}


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    """``<link rel="alternate" hreflang>`` for each language, absolute as search engines ask."""
    request = context.get("request")
    if request is None:
        return {"alternates": []}
    alternates = [
        {"code": code, "href": request.build_absolute_uri(address)}
        for code, _name, address, _current in _alternates(request)
    ]
    default = next(a for a in alternates if a["code"] == settings.LANGUAGE_CODE)
    return {"alternates": alternates, "default": default}
