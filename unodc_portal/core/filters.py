"""Building blocks shared by the FilterSets of both apps.

The FilterSets in ``activities/filters.py`` and ``donors/filters.py`` are used unchanged by the
list pages, the JSON API and the CSV/XLSX exports, so everything a filter does lives here or in
them — never in a view. Conventions every list follows:

- ``q`` is the search box (``SearchFilter``): every word must appear in one of the searched
  fields; longer than ``SEARCH_MAX_LENGTH`` is a form error.
- ``sort`` is the ordering (``SortFilter``): an explicit whitelist; an unknown value is a form
  error.
- related records are chosen by a stable key in the URL (country ISO code, project code, slug),
  never by primary key.
- a related record from a table that grows with the record (events, organisations) is a
  ``KeyFilter(lookup=<URL name>)``: the form renders only the chosen record, never the whole
  table, and the browser searches the lookup URL as the user types (``LookupSelect``).
- ranges are explicit fields (``date_after``/``date_before``, ``year_min``/``year_max``); a range
  whose start is after its end is a form error.
- a text sort (``a_to_z``) follows the reader's language: on PostgreSQL, a Russian page orders
  names with ICU's collation (``ICU_COLLATION``: Yo beside Ye), only
  on text columns (codes, slugs and choice codes keep the column's own order and its index).
"""

from functools import reduce
from operator import and_, or_

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import CharField, F, Q, SlugField, TextField, Value
from django.db.models.functions import Collate, NullIf
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters.utils import label_for_filter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from unodc_portal.core.records import DemoQuerySetMixin

SEARCH_MAX_LENGTH = 200
# Lookups (search as you type for a relation): what the browser sends and the server answers.
LOOKUP_MIN_LENGTH, LOOKUP_MAX_LENGTH, LOOKUP_LIMIT = 2, 100, 20
YEAR_MIN, YEAR_MAX = 1990, 2100

# (start field, end field, message): a range given backwards is refused with this message.
RANGES = [
    ("date_after", "date_before", _("The start of the date range is after its end.")),
    ("year_min", "year_max", _("The first year is after the last year.")),
]


class FilterForm(forms.Form):
    """Checks the ranges that a FilterSet declares (see ``RANGES``)."""

    def clean(self):
        cleaned = super().clean()
        for start, end, message in RANGES:
            low, high = cleaned.get(start), cleaned.get(end)
            if low is not None and high is not None and low > high:
                self.add_error(end, message)
        return cleaned


lazy_label_for_filter = lazy(label_for_filter, str)


class PortalFilterSet(filters.FilterSet):
    class Meta:
        form = FilterForm

    @classmethod
    def get_filters(cls):
        """The declared filters, the sort control last: a subclass that adds a filter (the
        site's project filter adds ``donor``) keeps the form's order, filters then sort."""
        found = super().get_filters()
        if "sort" in found:
            found["sort"] = found.pop("sort")
        # A label django-filter makes from the model field is worded once, in the language of
        # the first request that reads it (label_for_filter forces it to text), and kept on the
        # class's filter: the API schema or an English page read first left "Kind" on every
        # Russian page after it. Made lazy here, it is worded in each reader's language.
        model = cls._meta.model
        for filter_ in found.values():
            if filter_._label is None and model is not None:
                filter_._label = lazy_label_for_filter(
                    model, filter_.field_name, filter_.lookup_expr, filter_.exclude)
        return found

    def __init__(self, data=None, *args, **kwargs):
        # Always bound: with no parameters the filters still run, so that a default sort
        # applies to the first page just as to any other.
        super().__init__(QueryDict() if data is None else data, *args, **kwargs)
        # Choices of related records follow the user's visibility (demo records for demo
        # accounts only).
        for choice_filter in self.filters.values():
            queryset = getattr(choice_filter, "queryset", None)
            if isinstance(queryset, DemoQuerySetMixin):
                choice_filter.queryset = queryset.visible_to(self.user)
                choice_filter.__dict__.pop("_field", None)

    @property
    def uses_lookups(self) -> bool:
        """Whether the form has a searchable relation (``KeyFilter(lookup=...)``): the page then
        loads the search widget's script and style."""
        return any(isinstance(f.extra.get("widget"), LookupSelect) for f in self.filters.values())

    def set_choices(self, name: str, choices) -> None:
        """Give filter ``name`` the choices of this request. The form field a filter builds is
        cached on it; one built earlier from the class's filters (the API schema does that)
        must not keep the old choices."""
        self.filters[name].extra["choices"] = list(choices)
        self.filters[name].__dict__.pop("_field", None)

    @property
    def user(self):
        """The user whose visibility rules apply (anonymous when the FilterSet has no request,
        as in a script)."""
        return getattr(self.request, "user", None)


class SearchFilter(filters.CharFilter):
    """The search box: each word must occur (case-insensitively) in one of ``search_fields``."""

    def __init__(self, *, search_fields, **kwargs):
        self.search_fields = tuple(search_fields)
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        words = value.split() if value else []
        if not words:
            return qs
        conditions = [
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in self.search_fields))
            for word in words
        ]
        return qs.filter(reduce(and_, conditions))


class SortFilter(filters.OrderingFilter):
    """Sorting from an explicit whitelist.

    ``sorts`` maps each URL value to ``(ascending label, descending label, fields)``, where a
    field is a name or an expression (``blank_as_null("city")``); "-value" sorts descending.
    Empty values sort last either way, and the primary key breaks ties so that pages never
    overlap. ``default`` (a URL value) applies when no sort is asked for; without it
    the model's ordering stands.
    """

    def __init__(self, *, sorts, default="", **kwargs):
        self.sorts = dict(sorts)
        self.default = default
        choices = []
        for param, (ascending, descending, _fields) in self.sorts.items():
            choices += [(param, ascending), (f"-{param}", descending)]
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", _("Default order"))
        super().__init__(choices=choices, **kwargs)

    def filter(self, qs, value):
        params = [param for param in (value or []) if param] or (
            [self.default] if self.default else []
        )
        ordering = []
        for param in params:
            descending = param.startswith("-")
            for field in self.sorts[param.lstrip("-")][2]:
                text = isinstance(field, TextSort)
                if text:
                    field = field.field
                expression = F(field) if isinstance(field, str) else field
                if text and collates(qs, field):
                    expression = Collate(expression, ICU_COLLATION)
                ordering.append(
                    expression.desc(nulls_last=True) if descending
                    else expression.asc(nulls_last=True)
                )
        return qs.order_by(*ordering, "pk") if ordering else qs


# PostgreSQL's ICU root collation (every server built with ICU has it; checked in pg_collation).
ICU_COLLATION = "und-x-icu"
# Reader's languages whose text sorts need the ICU collation rather than the column's own.
COLLATED_LANGUAGES = ("ru",)


class TextSort:
    """A text sort key of ``a_to_z`` (a field name or an expression over a text column)."""

    def __init__(self, field):
        self.field = field

    def __repr__(self):
        return f"TextSort({self.field!r})"


def _model_field(model, path: str):
    """The model field at ``path`` ("donor__name"), or None."""
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except Exception:  # a transform or an annotation: not a plain column
            return None
        if field.is_relation:
            model = field.related_model
    return field


def collates(queryset, field) -> bool:
    """Whether a text sort key orders with ``ICU_COLLATION``: on PostgreSQL, while the reader's
    language is Russian, and for names and titles only (not codes, slugs or choice codes,
    which sort the same in any language and keep their index)."""
    if connections[queryset.db].vendor != "postgresql":
        return False
    if (get_language() or "").split("-")[0] not in COLLATED_LANGUAGES:
        return False
    if not isinstance(field, str):
        return True  # an expression over a text column (blank_as_null("city"))
    model_field = _model_field(queryset.model, field)
    return (
        isinstance(model_field, CharField | TextField)
        and not isinstance(model_field, SlugField)
        and not model_field.choices
        and not model_field.name.endswith("code")
    )


def a_to_z(label: str, *fields):
    """A text sort for ``SortFilter``: "Title, A to Z" / "Title, Z to A" (in Russian on
    PostgreSQL, in the Russian alphabet's order: ``collates``)."""
    return (
        format_lazy(_("{label}, A to Z"), label=label),
        format_lazy(_("{label}, Z to A"), label=label),
        tuple(TextSort(field) for field in fields),
    )


def oldest_first(label: str, *fields):
    """A date sort for ``SortFilter``: "Date, oldest first" / "Date, newest first"."""
    return (
        format_lazy(_("{label}, oldest first"), label=label),
        format_lazy(_("{label}, newest first"), label=label),
        fields,
    )


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class KeyChoiceField(filter_fields.ModelChoiceField):
    """A related record chosen by its stable key (``to_field_name``), shown by ``labels(record)``
    (``str`` by default)."""

    def __init__(self, *args, upper=False, labels=None, **kwargs):
        self.upper = upper
        self.labels = labels
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labels(obj) if self.labels else super().label_from_instance(obj)

    def to_python(self, value):
        if self.upper and isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)


class LookupSelect(forms.Select):
    """A select of a relation over a table that grows with the record (20,000 events): it renders
    the empty choice and the chosen record only — one query by key, whatever the size of the
    table — and carries the URL that the browser's search widget (``static/js/lookup.js``, Tom
    Select) asks as the user types. Without JavaScript, an address that carries a key still
    shows that record chosen and filters by it."""

    def __init__(self, lookup: str, attrs=None):
        self.lookup = lookup  # the URL name of the lookup view
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-lookup-url": reverse(self.lookup),
                 "data-lookup-min": LOOKUP_MIN_LENGTH}
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        every_choice = self.choices
        self.choices = list(self.chosen(every_choice, value))
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = every_choice

    @staticmethod
    def chosen(choices, value):
        """The empty choice, and the records whose key is in ``value``, from the field's
        queryset (so a record the user may not see is never shown)."""
        field = choices.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        keys = [key for key in value if key]
        if keys:
            key_field = field.to_field_name or "pk"
            try:
                records = list(field.queryset.filter(**{f"{key_field}__in": keys}))
            except (ValueError, TypeError, ValidationError):  # a key its column cannot hold
                records = []
            for record in records:
                yield choices.choice(record)


@extend_schema_field(OpenApiTypes.STR)  # the API schema: a key such as "KGZK50", not an id
class KeyFilter(filters.ModelChoiceFilter):
    """A related record in the URL by its stable key, not its primary key. With ``lookup`` (the
    URL name of a view answering ``?q=`` with ``{"results": [{"value": key, "text": label}]}``)
    the form offers the records through a search as the user types instead of listing them
    all (``LookupSelect``)."""

    field_class = KeyChoiceField

    def __init__(self, *, key, lookup: str = "", **kwargs):
        kwargs["to_field_name"] = key
        kwargs.setdefault("empty_label", _("Any"))
        if lookup:
            kwargs["widget"] = LookupSelect(lookup)
        super().__init__(**kwargs)


def blank_as_null(field):
    """For sorting text fields: blanks count as empty and go last."""
    return NullIf(field, Value(""))


def period_ends_on_or_after(day):
    """Records (with a ``ReportedPeriod``) that may run on or after ``day``: by their dates, or
    by year and month where the days were never stated."""
    undated = Q(start_date__isnull=True)
    return (
        Q(end_date__gte=day)
        | Q(end_date__isnull=True, start_date__gte=day)
        | (undated & Q(year__gt=day.year))
        | (undated & Q(year=day.year) & (Q(month__gte=day.month) | Q(month__isnull=True)))
    )


def period_starts_on_or_before(day):
    """Records (with a ``ReportedPeriod``) that may start on or before ``day``."""
    undated = Q(start_date__isnull=True)
    return (
        Q(start_date__lte=day)
        | (undated & Q(year__lt=day.year))
        | (undated & Q(year=day.year) & (Q(month__lte=day.month) | Q(month__isnull=True)))
    )


class PeriodFilter(filters.DateFilter):
    """A date bound on records with a ``ReportedPeriod``: ``date_after`` keeps those whose period
    reaches the day or later, ``date_before`` those that begin on the day or earlier."""

    def __init__(self, *, condition, **kwargs):
        self.condition = condition
        kwargs.setdefault("widget", DateInput)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.filter(self.condition(value)) if value else qs


def period_filters():
    """The ``date_after`` and ``date_before`` filters of a list of dated records."""
    return (
        PeriodFilter(condition=period_ends_on_or_after, label=_("From")),
        PeriodFilter(condition=period_starts_on_or_before, label=_("To")),
    )
