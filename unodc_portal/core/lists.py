"""The one list-page mechanism: filters, sorting, page size, forgiving pagination.

A list view is ``class EventListView(ListPageMixin, FilterView)`` with a ``filterset_class``, a
``template_name`` that extends ``includes/list_page.html`` and a ``get_queryset`` that starts from
the model's visibility rule. Bad input never gives a 500:

- filter values that do not validate show the form's errors beside the fields (and no rows);
- ``page_size`` outside ``PAGE_SIZES`` shows an error beside the chooser and uses the default;
- ``page`` that is not a whole number, or is below 1, gives the first page; beyond the last
  page gives the last page.

Counting: a list counts its rows exactly up to ``EXACT_COUNT_UP_TO``; above that, on
PostgreSQL, it shows the planner's estimate for its query ("about 198,000"), so that a list of a
million rows costs what one of ten thousand does (``EstimatedPaginator``).
"""

import json
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.core.paginator import Paginator
from django.db import connections
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy, ngettext_lazy

from unodc_portal.core.templatetags.content_lang import content

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
# Lists count their rows exactly up to this many; above, PostgreSQL's estimate is shown.
EXACT_COUNT_UP_TO = 10_000


def query_estimate(queryset) -> int | None:
    """The planner's row estimate for ``queryset`` (PostgreSQL's ``EXPLAIN``), or None where
    the database gives none (SQLite)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """(count, estimated): the exact number of rows up to ``cap`` (a ``COUNT`` over at most
    ``cap`` + 1 rows), else the planner's estimate, never below what was counted. Exact on
    SQLite."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count(), False
    counted = queryset.order_by().values("pk")[:cap + 1].count()
    if counted <= cap:
        return counted, False
    return max(query_estimate(queryset) or 0, counted), True


class EstimatedPaginator(Paginator):
    """Django's paginator, counting as ``capped_count`` does; ``estimated`` tells the page to
    say "about"."""

    estimated = False

    def exact_up_to(self) -> int:
        return EXACT_COUNT_UP_TO

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "model"):
            return super().count
        count, self.estimated = capped_count(self.object_list, self.exact_up_to())
        return count


class PageSizeForm(forms.Form):
    page_size = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"),
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def page_size_or_default(self) -> int:
        if self.is_valid() and self.cleaned_data["page_size"]:
            return self.cleaned_data["page_size"]
        return DEFAULT_PAGE_SIZE


def page_number(value, last: int) -> int:
    """The page to show for a ``page`` parameter: 1 unless a whole number from 1 to ``last``;
    ``last`` for numbers beyond it."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    if number < 1:
        return 1
    return min(number, last)


def page_range(paginator, page):
    """The page numbers the pagination include shows: the ends, and two each side of ``page``."""
    return paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def paged(request, rows, per_page: int, page_kwarg: str = "page") -> dict:
    """One page of ``rows`` (a list or a queryset that is not a FilterView's), paged as every
    list page pages: the context ``includes/pagination.html`` reads (``page_obj``,
    ``paginator``, ``page_range``), with the same forgiving ``page_number``."""
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    page = paginator.page(page_number(request.GET.get(page_kwarg), paginator.num_pages))
    return {"page_obj": page, "paginator": paginator, "page_range": page_range(paginator, page)}


# How many rows of each list: "1 event", "2 events" (Russian has three forms: «1 мероприятие»,
# «2 мероприятия», «5 мероприятий»), and the words for none ("No events"), by model label. A
# model not named here is counted with its verbose names ("5 widgets").
COUNTED_NOUNS = {
    "activities.article": (
        ngettext_lazy("%(count)s article", "%(count)s articles", "count"),
        gettext_lazy("No articles")),
    "activities.project": (
        ngettext_lazy("%(count)s project", "%(count)s projects", "count"),
        gettext_lazy("No projects")),
    "activities.event": (
        ngettext_lazy("%(count)s event", "%(count)s events", "count"),
        gettext_lazy("No events")),
    "activities.seizure": (
        ngettext_lazy("%(count)s seizure", "%(count)s seizures", "count"),
        gettext_lazy("No seizures")),
    "activities.participant": (
        ngettext_lazy("%(count)s participant", "%(count)s participants", "count"),
        gettext_lazy("No participants")),
    "activities.organisation": (
        ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count"),
        gettext_lazy("No organisations")),
    "donors.donor": (
        ngettext_lazy("%(count)s donor", "%(count)s donors", "count"),
        gettext_lazy("No donors")),
    "donors.contribution": (
        ngettext_lazy("%(count)s contribution", "%(count)s contributions", "count"),
        gettext_lazy("No contributions")),
    "search.searchdocument": (
        ngettext_lazy("%(count)s result", "%(count)s results", "count"),
        gettext_lazy("No results")),
}


def counted(model, count: int) -> str:
    """``count`` rows of ``model`` in words: "1 event", "40 events" (the plural form the
    language needs for the number)."""
    nouns = COUNTED_NOUNS.get(model._meta.label_lower)
    if nouns:
        return nouns[0] % {"count": count}
    noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {noun}"


def none_of(model) -> str:
    """"No events": what an empty list of ``model`` says."""
    nouns = COUNTED_NOUNS.get(model._meta.label_lower)
    if nouns:
        return str(nouns[1])
    return gettext("No %(nouns)s") % {"nouns": model._meta.verbose_name_plural}


def result_count(model, paginator, page) -> str:
    """The line above a list: "1-25 of 40 events" (en dash), "about 198000 events", "3 events",
    "No events"."""
    if not paginator.count:
        return none_of(model)
    text = counted(model, paginator.count)
    if paginator.estimated:
        text = gettext("about %(counted)s") % {"counted": text}
    if page.has_other_pages():
        text = gettext("%(start)s–%(end)s of %(counted)s") % {  # noqa: RUF001 (en dash)
            "start": page.start_index(), "end": page.end_index(), "counted": text,
        }
    return text


class ListPageMixin:
    """Pagination and page-size handling for a ``django_filters.views.FilterView``."""

    page_kwarg = "page"
    paginator_class = EstimatedPaginator

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        data.setdefault("page_size", str(DEFAULT_PAGE_SIZE))
        self.page_size_form = PageSizeForm(data)
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return self.page_size_form.page_size_or_default()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        page = paginator.page(
            page_number(self.request.GET.get(self.page_kwarg), paginator.num_pages)
        )
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        paginator, page = context["paginator"], context["page_obj"]
        context.update(
            page_size_form=self.page_size_form,
            page_range=page_range(paginator, page),
            # What the rows are, for "1-25 of 40 events".
            noun_plural=filterset._meta.model._meta.verbose_name_plural,
            noun_singular=filterset._meta.model._meta.verbose_name,
            result_count=result_count(filterset._meta.model, paginator, page),
            none_text=none_of(filterset._meta.model),
            filters_invalid=filterset.is_bound and not filterset.is_valid(),
            filters_active=any(
                self.request.GET.get(name) for name in filterset.filters if name != "sort"
            ),
        )
        return context


# --------------------------------------------------------------------------------------------
# Detail pages
# --------------------------------------------------------------------------------------------
DETAIL_LIST_LIMIT = 20


@dataclass
class Capped:
    """The first rows of a related list on a detail page; when there are more, the page links
    to ``url``, the list page filtered to the same rows."""

    rows: list
    more: bool
    url: str


def capped(queryset, list_url_name: str, **filters) -> Capped:
    rows = list(queryset[: DETAIL_LIST_LIMIT + 1])
    url = f"{reverse(list_url_name)}?{urlencode(filters)}"
    return Capped(rows[:DETAIL_LIST_LIMIT], len(rows) > DETAIL_LIST_LIMIT, url)


# The content fields a record's name may come from (django-modeltranslation's columns).
NAME_FIELDS = ("title", "headline", "name")


class DetailPageMixin:
    """Breadcrumbs for a detail page: Home > <list, where there is one> > <record>. The list's
    label is in the reader's language (a plain English ``list_label`` is looked up in the
    catalogue: the nav's "Events" and so on); a record's name shown in English to a Russian
    reader (no Russian version entered) carries ``lang="en"``."""

    list_url_name = ""
    list_label = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = (
            [(reverse(self.list_url_name), gettext(str(self.list_label)))]
            if self.list_url_name else []
        )
        context["crumbs"] = [*crumbs, ("", self.marked_crumb())]
        return context

    def marked_crumb(self):
        label = self.crumb_label()
        for field in NAME_FIELDS:
            if hasattr(self.object, f"{field}_en") and getattr(self.object, field, None) == label:
                return content(self.object, field)
        return label

    def crumb_label(self) -> str:
        return str(self.object)
