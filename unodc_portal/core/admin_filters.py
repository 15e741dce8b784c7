"""The admin's list filters: dates refused when out of range, blank values named.

The admin's date filters refuse dates the database cannot hold once converted to UTC.

A date typed in the address (``?history_date__gte=00010101``) is read as midnight of 1 January
of year 1 in the portal's time zone (Asia/Tashkent, UTC+5): in UTC that is year 0, which Python
cannot represent, and the list failed with a server error when the query was built. Registered
for every date and date-time field of every admin list, ahead of Django's own filter, so that
such a date is refused as any other bad filter value is (the list opens unfiltered, with
Django's "?e=1" notice)."""

import datetime

from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    DateFieldListFilter,
    FieldListFilter,
)
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredDateFieldListFilter(DateFieldListFilter):
    """Django's date filter, whose typed values are read in the portal's time zone (as its own
    links are) and refused when their UTC equivalent is out of range."""

    def queryset(self, request, queryset):
        try:
            self.used_parameters = {
                name: values if name.endswith("__isnull")
                else [self._storable(value) for value in values]
                if isinstance(values, list | tuple) else self._storable(values)
                for name, values in self.used_parameters.items()
            }
        except (ValueError, ValidationError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        return super().queryset(request, queryset)

    def _storable(self, value):
        parsed = self.field.to_python(value)
        if isinstance(parsed, datetime.datetime):
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            parsed.astimezone(datetime.UTC)  # OverflowError when out of range in UTC
        return parsed


class NamedBlankValuesFieldListFilter(AllValuesFieldListFilter):
    """Django's list of a field's values, where the empty value ("" — a contribution without a
    currency, an access attempt without a path) is a link named "(blank)", not an empty link
    that assistive technology cannot name."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "" or str(choice["display"]).startswith(" ("):
                blank = _("(blank)")
                choice = {**choice, "display": f"{blank}{choice['display']}"}
            yield choice


def _lists_all_values(field) -> bool:
    """Whether Django's own registrations would list this field's values."""
    registered = FieldListFilter._field_list_filters[FieldListFilter._take_priority_index:]
    return next(cls for test, cls in registered if test(field)) is AllValuesFieldListFilter


FieldListFilter.register(
    lambda field: isinstance(field, models.DateField), StoredDateFieldListFilter,
    take_priority=True,
)
FieldListFilter.register(_lists_all_values, NamedBlankValuesFieldListFilter, take_priority=True)
