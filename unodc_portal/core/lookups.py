"""Search as you type for a relation filter (``KeyFilter(lookup=...)`` in
``unodc_portal/core/filters.py``): a view answering ``?q=`` with at most ``LOOKUP_LIMIT``
records as ``{"results": [{"value": key, "text": label}]}``, for the browser's search widget
(``static/js/lookup.js``).

Each app's lookups (``activities/lookups.py``) say which records — always the model's
``visible_to(user)`` — which fields are searched and which is the key. Every word typed must
occur in one of the fields; fewer than ``LOOKUP_MIN_LENGTH`` characters give no results;
longer than ``LOOKUP_MAX_LENGTH``, or a control character, is refused with 400 and a message.
Each result also carries the record's ``id``, for the forms that post primary keys (the event
page's projects, trainers and organisations: ``RecordLookupSelect``,
``RecordLookupSelectMultiple``).
"""

from functools import reduce
from operator import and_, or_

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext, ngettext
from django.views import View

from unodc_portal.core.filters import (
    LOOKUP_LIMIT,
    LOOKUP_MAX_LENGTH,
    LOOKUP_MIN_LENGTH,
    LookupSelect,
)


class LookupView(View):
    answers_json = True  # refusals too, a NUL in the address included (core.middleware)
    key = "slug"
    search_fields: tuple[str, ...] = ()

    def get_queryset(self):
        """The records the user may choose from, ordered as the results are shown."""
        raise NotImplementedError

    def label(self, record) -> str:
        """The text shown for a record: as the filter's form shows it once chosen."""
        return str(record)

    def get(self, request):
        q = request.GET.get("q", "")
        if len(q) > LOOKUP_MAX_LENGTH:
            return refuse(ngettext("Type at most %(count)s character.",
                                   "Type at most %(count)s characters.", LOOKUP_MAX_LENGTH)
                          % {"count": LOOKUP_MAX_LENGTH})
        if any(ord(c) < 32 or ord(c) == 127 for c in q):
            return refuse(gettext("The search contains a control character."))
        words = q.split()
        if len("".join(words)) < LOOKUP_MIN_LENGTH:
            return JsonResponse({"results": []})
        matches = reduce(and_, (
            reduce(or_, (Q(**{f"{field}__icontains": word}) for field in self.search_fields))
            for word in words
        ))
        records = self.get_queryset().filter(matches)[:LOOKUP_LIMIT]
        return JsonResponse({"results": [
            {"value": getattr(record, self.key), "id": record.pk, "text": self.label(record)}
            for record in records
        ]})


def refuse(message: str) -> JsonResponse:
    return JsonResponse({"error": message, "results": []}, status=400)


# A primary key as a form posts it: digits that a 64-bit column can hold. Anything else is no
# record, and is not sent to the database (SQLite overflows on a larger ``IN`` value).
_PK_DIGITS = 18


def _keys(value) -> list[str]:
    return [key for key in value if str(key).isdecimal() and len(str(key)) <= _PK_DIGITS]


class _ByPrimaryKey:
    """The browser's search widget posts the results' ``id`` (``data-lookup-value``). Choices
    given as a list (the form or the view read the chosen records already, for all rows at
    once) are drawn as they are; otherwise the chosen records are read from the field's
    queryset, in one query."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**(attrs or {}), "data-lookup-value": "id"})

    def optgroups(self, name, value, attrs=None):
        if isinstance(self.choices, list):
            return forms.Select.optgroups(self, name, value, attrs)
        return super().optgroups(name, value, attrs)

    @staticmethod
    def chosen(choices, value):
        return LookupSelect.chosen(choices, _keys(value))


class RecordLookupSelect(_ByPrimaryKey, LookupSelect):
    """A record of a growing table by primary key (the event page's organiser, and its rows'
    organisations): the page holds the chosen record only, whatever the size of the table,
    and the browser's search widget asks the lookup URL for the others."""


class RecordLookupSelectMultiple(_ByPrimaryKey, LookupSelect, forms.SelectMultiple):
    """Several records of a growing table by primary key (the event page's projects and
    trainers), as ``RecordLookupSelect``."""
