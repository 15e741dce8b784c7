"""The access log's date drill-down in the admin (years, then months, then days), read from
the first and last entry of the list — the two ends of the ``at`` index, one query — where
Django's ``date_hierarchy`` reads the distinct dates of every entry listed (1.1 s for the years
of a million entries on PostgreSQL, on every visit to the list). A month or day between the
first and the last is offered even when it holds no entry; its list then reads empty."""

import datetime

from django import template
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _months(first, last):
    """The first day of each month from ``first``'s to ``last``'s."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


@register.inclusion_tag("admin/date_hierarchy.html")
def date_hierarchy_from_range(cl):
    """What Django's ``{% date_hierarchy cl %}`` gives its template, for a datetime field."""
    field = cl.date_hierarchy
    year_field, month_field, day_field = (f"{field}__{part}" for part in ("year", "month", "day"))
    year, month, day = (cl.params.get(name) for name in (year_field, month_field, day_field))

    def link(filters):
        return cl.get_query_string(filters, [f"{field}__"])

    bounds = cl.queryset.aggregate(first=Min(field), last=Max(field))
    if bounds["first"] is None:
        # Nothing listed: the way back up, if a date was chosen.
        back = {"link": link({}), "title": _("All dates")} if year else None
        return {"show": bool(back), "back": back, "choices": []}
    first, last = _local(bounds["first"]).date(), _local(bounds["last"]).date()
    if not (year or month or day) and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month

    if year and month and day:
        chosen = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {"link": link({year_field: year, month_field: month}),
                     "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT"))},
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [{"link": link({year_field: year, month_field: month,
                                       day_field: one.day}),
                         "title": capfirst(formats.date_format(one, "MONTH_DAY_FORMAT"))}
                        for one in days],
        }
    if year:
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [{"link": link({year_field: year, month_field: one.month}),
                         "title": capfirst(formats.date_format(one, "YEAR_MONTH_FORMAT"))}
                        for one in _months(first, last)],
        }
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({year_field: str(one)}), "title": str(one)}
                    for one in range(first.year, last.year + 1)],
    }
