"""The search page's form: the words (``q``) and the type of record (``type``)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from search.models import SearchDocument
from search.query import matching
from unodc_portal.core.filters import SEARCH_MAX_LENGTH, PortalFilterSet


class SearchDocumentFilter(PortalFilterSet):
    # Django's CharField refuses NUL characters and, here, more than SEARCH_MAX_LENGTH: the
    # form says so beside the box and nothing is searched.
    q = filters.CharFilter(
        label=_("Search"), method="filter_words", max_length=SEARCH_MAX_LENGTH, strip=True,
    )
    type = filters.ChoiceFilter(
        label=_("Type"), field_name="kind", choices=SearchDocument.Kind.choices,
        empty_label=_("All types"),
    )

    class Meta(PortalFilterSet.Meta):
        model = SearchDocument
        fields = []

    def filter_words(self, queryset, name, value):
        return matching(queryset, value)

    def filter_queryset(self, queryset):
        # No words, no results (never every document in the index).
        if not self.form.cleaned_data.get("q"):
            return queryset.none()
        return super().filter_queryset(queryset)
