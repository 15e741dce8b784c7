"""The read-only JSON API's shared pieces: pagination that names a bad parameter, and the fields
records share (their page on the portal, countries and related records by stable key). This module
is the setting DEFAULT_PAGINATION_CLASS's home, so it must not import DRF's views or viewsets.

The contract (what ``/api/schema/`` promises and Schemathesis checks, ``tests/api_contract/``):

- 400: the request does not fit the schema (a value of the wrong type or format, out of its
  bounds, not one of its enum, an empty value for a parameter that is not free text, ``sort``
  with an empty key). The body names each parameter: ``{"year_min": ["Enter a whole number."]}``
  (a NUL character anywhere: ``{"detail": "…"}``, ``middleware.RefuseNulMiddleware``).
- 404: the request fits the schema but names nothing there: a page beyond the last, a key (a
  country, a project, a city…) of no record the caller may see, a range that ends before it
  starts. Same body, naming the parameter; a record's own address answers ``{"detail": "…"}``.
- 401: a token that is not valid (``{"detail": "…"}``); without one the API answers anonymously.

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

import re

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header
from django_filters import filters as django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from unodc_portal.core.filters import RANGES
from unodc_portal.core.lists import DEFAULT_PAGE_SIZE

MAX_PAGE_SIZE = 100


def _whole_number(value: str, low: int, high: int | None = None) -> bool:
    # isdigit() also takes "²", which int() refuses; int() refuses over 4,300 digits. A number
    # of more than 20 digits is a whole number beyond every page there can be (the schema sets
    # no maximum on the page: a page beyond the last is a 404, whatever its size).
    if not value.isdecimal():
        return False
    if len(value) > 20:
        return high is None
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

    # Any key in a record's address reaches the view, which answers 404 in JSON for one that
    # names nothing ("0.5" too; the router's default refuses dots with the site's HTML 404).
    lookup_value_regex = "[^/]+"


class Pagination(PageNumberPagination):
    """``page`` (from 1, or "last") and ``page_size`` (1 to 100, default 25). A value that is not
    one of these is refused with 400 naming the parameter; a page beyond the last is 404 naming
    it too (``{"page": ["There is no page 9: the last is 2."]}``).

    404 rather than the last page (which the list pages show for a person following an old
    link): a script that pages on until ``next`` is null, or asks for page n + 1 itself, must
    learn that it is done, not receive the last page again as if it were new."""

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
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound({self.page_query_param: [
                _("There is no page %(page)s: the last is %(last)s.")
                % {"page": number, "last": paginator.num_pages}
            ]}) from None
        self.request = request
        return list(self.page)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["minimum"] = 0
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param, "required": False, "in": "query",
                "description": _(
                    "The page, from 1, or “last”. A page beyond the last is answered 404."
                ),
                "schema": {"oneOf": [
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "enum": list(self.last_page_strings)},
                ]},
            },
            {
                "name": self.page_size_query_param, "required": False, "in": "query",
                "description": _("Rows per page."),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                           "default": self.page_size},
            },
        ]


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


def _model_field(model, source: str):
    """The model field that ``source`` ("participant.country") ends on, or None."""
    field = None
    for name in source.split("."):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except Exception:  # a property or a method: not a column
            return None
        model = field.related_model
    return field


class NullableFromModel:
    """For read-only fields that show a related record: null in the schema (``allow_null``)
    when the relation it reads may be empty (``null=True`` on the model field, on any step of a
    dotted source), so that the schema says what the answers hold (``"country": null``)."""

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if model is None or self.source == "*":
            return
        current = model
        for name in self.source.split("."):
            field = _model_field(current, name)
            if field is None:
                return
            if field.null:
                self.allow_null = True
                return
            current = field.related_model


@extend_schema_field(OpenApiTypes.STR)
class CountryCodeField(NullableFromModel, serializers.RelatedField):
    """A country as its ISO 3166-1 alpha-2 code."""

    def to_representation(self, value):
        return value.code.code


class KeyField(NullableFromModel, serializers.SlugRelatedField):
    """A to-one relation as the related record's stable key; null where there is none."""


def keys(field: str, **kwargs):
    """A to-many relation as the related records' stable keys (read-only)."""
    return serializers.SlugRelatedField(slug_field=field, many=True, read_only=True, **kwargs)


def key(field: str, **kwargs):
    """A to-one relation as the related record's stable key (read-only)."""
    return KeyField(slug_field=field, read_only=True, **kwargs)


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


# --------------------------------------------------------------------------------------------
# Filters: 400 for what does not fit the schema, 404 for what names nothing
# --------------------------------------------------------------------------------------------
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE_NUMBER = re.compile(r"-?\d{1,20}")
NO_NUL = "^[^\\x00]*$"


def _declared_choices(filterset_class, name):
    declared = filterset_class.base_filters.get(name)
    return declared.extra.get("choices") if declared is not None else None


def free_text(filter_, filterset_class, name) -> bool:
    """Whether the schema gives the parameter as a plain string: text, a record's key, or a
    value from the data (``city``, ``currency``: choices filled per request). An empty value
    means "any"; every other parameter refuses an empty value."""
    if isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.CharFilter):
        return True
    return (
        isinstance(filter_, django_filters.ChoiceFilter)
        and not isinstance(filter_, django_filters.OrderingFilter)
        and not _declared_choices(filterset_class, name)
    )


def names_a_record(filter_, filterset_class, name) -> bool:
    """Whether a value the filter refuses names a record or a value from the data that the
    caller cannot see or that does not exist (404), rather than one that does not fit the
    schema (400)."""
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        return True
    return free_text(filter_, filterset_class, name) and isinstance(
        filter_, django_filters.ChoiceFilter)


def _strict(filter_) -> re.Pattern | None:
    """The exact form the schema gives a value of ``filter_`` (forms accept more: "2011-1-5",
    "2011.0"), or None."""
    if isinstance(filter_, django_filters.DateFilter):
        return FULL_DATE
    if isinstance(filter_, django_filters.NumberFilter) and issubclass(
        filter_.field_class, forms.IntegerField
    ):
        return WHOLE_NUMBER
    return None


class FilterBackend(DjangoFilterBackend):
    """The list pages' FilterSets, held to the schema: a value that does not fit is 400 naming
    the parameter; one that fits but names nothing (an unknown key, a range backwards) is 404
    naming it. The pages accept more (an empty date from an untouched field, a sort left on
    its default) and show their errors beside the fields."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        self.check_form(request, filterset)
        if not filterset.is_valid():
            self.refuse(filterset)
        return filterset.qs

    def check_form(self, request, filterset):
        """400 for values the filters' forms would take but the schema does not: empty, or not
        in the exact form of a date or a whole number; and for filters this caller lacks (the
        seizures' ``recorded``), a value its schema does not allow."""
        filterset_class = type(filterset)
        errors = {}
        for name, declared in filterset_class.base_filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            filter_ = filterset.filters.get(name, declared)
            for value in values:
                message = None
                stripped = value.strip()
                if isinstance(filter_, django_filters.OrderingFilter):
                    if any(not part.strip() for part in value.split(",")):
                        message = _("Give one or more sort keys separated by commas, none empty.")
                elif not stripped and not free_text(filter_, filterset_class, name):
                    message = _("Give a value, or leave the parameter out.")
                elif (pattern := _strict(filter_)) and not pattern.fullmatch(value):
                    message = filter_.field.error_messages["invalid"]
                if message is None and name not in filterset.filters:
                    try:
                        declared.field.clean(value)
                    except forms.ValidationError as error:
                        message = error.messages[0]
                if message is not None:
                    errors.setdefault(name, []).append(str(message))
                    break
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def refuse(filterset):
        filterset_class = type(filterset)
        errors = filterset.form.errors.as_data()
        range_ends = {
            end for _start, end, message in RANGES
            if any(error.message is message for error in errors.get(end, []))
        }
        not_found = {
            name: [str(message) for message in filterset.form.errors[name]]
            for name in errors
            if name in range_ends or (
                name in filterset.filters
                and names_a_record(filterset.filters[name], filterset_class, name)
            )
        }
        bad = {name: list(filterset.form.errors[name]) for name in errors
               if name not in not_found}
        if bad:
            raise ValidationError(bad)
        raise NotFound(not_found)


class FilterSchema(DjangoFilterExtension):
    """The schema of the FilterSets' parameters with their real bounds: whole numbers with the
    form field's minimum and maximum (years 1990 to 2100), text with its maximum length and no NUL
    character, enums without the empty choice."""

    target_class = "unodc_portal.core.api.FilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field)
        field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            if isinstance(field, forms.IntegerField):
                schema["type"] = "integer"
                schema.pop("format", None)
                if field.min_value is not None:
                    schema["minimum"] = field.min_value
                if field.max_value is not None:
                    schema["maximum"] = field.max_value
            if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                schema["pattern"] = NO_NUL
                if getattr(field, "max_length", None):
                    schema["maxLength"] = field.max_length
            if "enum" in schema:
                schema["enum"] = [value for value in schema["enum"] if value not in ("", None)]
            if schema.get("type") == "array":
                schema["minItems"] = 1  # "sort=" is empty: leave it out for the default
        return parameters


# --------------------------------------------------------------------------------------------
# Schema: every answer each operation can give (SPECTACULAR_SETTINGS' POSTPROCESSING_HOOKS)
# --------------------------------------------------------------------------------------------
PARAMETER_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"year_min": ["Enter a whole number."]},
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def _answer(description: str, *schemas: str) -> dict:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in schemas]
    schema = refs[0] if len(refs) == 1 else {"oneOf": refs}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# The bounds Django gives integer columns come from the database (PostgreSQL's smallint and
# integer; SQLite's 64 bits): left out, so that the schema is the same on either.
DATABASE_INTEGER_BOUNDS = {32767, 2147483647, 9223372036854775807}


def _without_database_bounds(node):
    if isinstance(node, dict):
        if node.get("type") == "integer" and node.get("maximum") in DATABASE_INTEGER_BOUNDS:
            del node["maximum"]
            if node.get("format") == "int64":
                del node["format"]
        for value in node.values():
            _without_database_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _without_database_bounds(value)


def schema_contract(result, generator, request, public):
    """Adds to every operation the answers the API gives besides 200, with their bodies:
    400 (a parameter that does not fit, or a NUL character), 401 (a token that is not valid)
    and 404 (a list: a page beyond the last or a key that names nothing; a record: none with
    this key that the caller may see). Path parameters refuse NUL as the middleware does. New
    operations (results, search) get the same answers without declaring them. The schema is the
    same whatever the database (``DATABASE_INTEGER_BOUNDS``)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _without_database_bounds(schemas)
    schemas["ParameterErrors"] = {
        **PARAMETER_ERRORS,
        "description": _("Each refused parameter with its messages, in the language asked for."),
    }
    schemas["Detail"] = DETAIL
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            is_list = any(
                parameter.get("name") == "page" and parameter.get("in") == "query"
                for parameter in operation.get("parameters", [])
            )
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "string":
                    schema["pattern"] = "^[^/\\x00]+$"
            if is_list:
                responses.setdefault("400", _answer(
                    _("A parameter does not fit the schema; the body names it."),
                    "ParameterErrors", "Detail"))
                responses.setdefault("404", _answer(
                    _("The parameters fit but name nothing: a page beyond the last, a key of no "
                      "record the caller may see, or a range that ends before it starts; the "
                      "body names the parameter."), "ParameterErrors"))
            else:
                responses.setdefault("400", _answer(
                    _("The address holds a NUL character."), "Detail"))
                responses.setdefault("404", _answer(
                    _("No record with this key that the caller may see."), "Detail"))
            responses.setdefault("401", _answer(
                _("The token sent is not valid (without one the API answers anonymously)."),
                "Detail"))
    return result
