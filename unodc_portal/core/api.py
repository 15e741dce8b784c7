"""The read-only JSON API's shared pieces: pagination that names a bad parameter, and the fields
records share (their page on the portal, countries and related records by stable key). This module
is the setting DEFAULT_PAGINATION_CLASS's home, so it must not import DRF's views or viewsets.

Each app's ``api.py`` holds its serializers and viewsets; ``unodc_portal/opendata_urls.py``
routes them. Viewsets filter with the list pages' own FilterSets (``filterset_class``, through
``django_filters.rest_framework.DjangoFilterBackend``): a value that does not validate gives 400
with the parameter named, e.g. ``{"year_min": ["Enter a whole number."]}``. Querysets start from
the models' visibility rules (``Contribution.objects.visible_to(user)``,
``Article.objects.visible_to(user)``), as on the pages.

Languages: API addresses carry no language prefix; the ``Accept-Language`` header picks the
language of labels (``kind_label``, ``status_label``…), of translated content and of messages
(``HeaderLanguageMixin``). Codes and field names stay in English whatever the language. Answers
say ``Content-Language`` and ``Vary: Accept-Language``.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from unodc_portal.core.lists import DEFAULT_PAGE_SIZE

MAX_PAGE_SIZE = 100


def _whole_number(value: str, low: int, high: int | None = None) -> bool:
    # isdigit() also takes "²", which int() refuses; int() refuses over 4,300 digits.
    if not value.isdecimal() or len(value) > 20:
        return False
    number = int(value)
    return number >= low and (high is None or number <= high)


def header_language(request) -> str:
    """The first language of the request's ``Accept-Language`` header that the portal speaks
    (``settings.LANGUAGES``, "ru-RU" giving "ru"), else the default language. Neither the
    address nor the language cookie counts: an API answer depends on its address and this
    header only."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:1000]):
        if code == "*":
            break
        if not language_code_re.search(code):
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class HeaderLanguageMixin:
    """For the API's views (before DRF's ``APIView`` in the bases): the request is answered in
    the language of its ``Accept-Language`` header (``header_language``) — labels, translated
    content, error messages — with ``Content-Language`` and ``Vary: Accept-Language``. The
    portal's ``LocaleMiddleware`` gives every address without a prefix the default language, so
    the views choose it here; the previous language is restored after the answer is rendered."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override(header_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            # Rendered now, in the language (lazy help texts of the schema, messages).
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ("Accept-Language",))
        return response


class Pagination(PageNumberPagination):
    """``page`` (from 1, or "last") and ``page_size`` (1 to 100, default 25). A value that is not
    one of these is refused with 400 naming the parameter; a page beyond the last is 404."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings and not _whole_number(page, 1):
            errors[self.page_query_param] = [
                _("A page number is a whole number from 1, or “last”.")
            ]
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not _whole_number(size, 1, MAX_PAGE_SIZE):
            errors[self.page_size_query_param] = [
                _("Rows per page is a whole number from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE}
            ]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)


@extend_schema_field(OpenApiTypes.URI)
class PageField(serializers.Field):
    """The record's page on the portal, as an absolute address."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.STR)
class CountryCodeField(serializers.RelatedField):
    """A country as its ISO 3166-1 alpha-2 code."""

    def to_representation(self, value):
        return value.code.code


def keys(field: str, **kwargs):
    """A to-many relation as the related records' stable keys (read-only)."""
    return serializers.SlugRelatedField(slug_field=field, many=True, read_only=True, **kwargs)


def key(field: str, **kwargs):
    """A to-one relation as the related record's stable key (read-only)."""
    return serializers.SlugRelatedField(slug_field=field, read_only=True, **kwargs)


def label(field: str, source: str = "", **kwargs):
    """The label of the choice field ``field`` (its code given under its own name) in the
    request's language: ``get_<field>_display``, read-only. ``source`` is the path to the record
    holding the field, e.g. "participant"."""
    path = f"{source}.get_{field}_display" if source else f"get_{field}_display"
    kwargs.setdefault("help_text", format_lazy(
        gettext_lazy("The label of “{field}” in the language asked for (Accept-Language)."),
        field=field,
    ))
    return serializers.CharField(source=path, read_only=True, **kwargs)
