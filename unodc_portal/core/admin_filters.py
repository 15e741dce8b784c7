"""The admin's date filters refuse dates the database cannot hold once converted to UTC.

A date typed in the address (``?history_date__gte=00010101``) is read as midnight of 1 January
of year 1 in the portal's time zone (Asia/Tashkent, UTC+5): in UTC that is year 0, which Python
cannot represent, and the list failed with a server error when the query was built. Registered
for every date and date-time field of every admin list, ahead of Django's own filter, so that
such a date is refused as any other bad filter value is (the list opens unfiltered, with
Django's "?e=1" notice)."""

import datetime

from django.contrib.admin.filters import DateFieldListFilter, FieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


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


FieldListFilter.register(
    lambda field: isinstance(field, models.DateField), StoredDateFieldListFilter,
    take_priority=True,
)
