"""FilterSets for donors and contributions; shared by the pages, the JSON API and the exports.

Contribution querysets passed in must start from ``Contribution.objects.visible_to(user)``.
"""

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.filters import CountryFilter, project_filter
from donors.models import Contribution, Donor
from unodc_portal.core.filters import (
    KeyFilter,
    PortalFilterSet,
    SearchFilter,
    SortFilter,
    YearFilter,
    a_to_z,
    blank_as_null,
    oldest_first,
)


class DonorFilter(PortalFilterSet):
    q = SearchFilter(search_fields=("name", "description"), label=_("Search names"))
    kind = filters.ChoiceFilter(choices=Donor.Kind.choices, empty_label=_("Any"))
    country = CountryFilter()
    sort = SortFilter(sorts={
        "name": a_to_z(pgettext_lazy("a donor's name", "Name"), "name"),
        "kind": a_to_z(_("Kind"), "kind", "name"),
    }, empty_label=pgettext_lazy("a donor's name", "Name"))

    class Meta(PortalFilterSet.Meta):
        model = Donor
        fields = []


class ContributionFilter(PortalFilterSet):
    q = SearchFilter(
        search_fields=("donor__name", "project__code", "project__title", "in_kind_description"),
        label=_("Search donor, project and what was given"),
    )
    donor = KeyFilter(key="slug", queryset=Donor.objects.only("slug", "name"))
    project = project_filter()
    kind = filters.ChoiceFilter(choices=Contribution.Kind.choices, empty_label=_("Any"))
    currency = filters.ChoiceFilter(choices=[], empty_label=_("Any"))
    status = filters.ChoiceFilter(choices=Contribution.Status.choices, empty_label=_("Any"))
    year_min = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    sort = SortFilter(sorts={
        "year": oldest_first(_("Year"), "year", "date"),
        "donor": a_to_z(_("Donor"), "donor__name"),
        "project": a_to_z(_("Project"), "project__code"),
        # Within each currency (amounts are never compared across currencies); none last.
        "amount": (_("Amount, smallest first"), _("Amount, largest first"),
                   (blank_as_null("currency"), "amount")),
    }, empty_label=_("Latest first"))

    class Meta(PortalFilterSet.Meta):
        model = Contribution
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_choices()

    def offer_choices(self):
        """The currencies of the contributions the user may see, as the choices (one query)."""
        currencies = (
            Contribution.objects.visible_to(self.user).exclude(currency="").order_by("currency")
            .values_list("currency", flat=True).distinct()
        )
        self.set_choices("currency", ((c, c) for c in currencies))


class MyContributionFilter(ContributionFilter):
    """The donor workspace (``/my/contributions/``): one donor's own contributions, so no donor
    filter; a year, and whether published. Its choices (currencies, years, projects) come from
    the donor's own rows, in one query."""

    donor = None
    project = filters.ChoiceFilter(field_name="project__code", choices=[],
                                   empty_label=_("Any"), label=_("Project or operation"))
    year = filters.ChoiceFilter(choices=[], empty_label=_("Any year"), label=_("Year"))
    published = filters.ChoiceFilter(
        choices=[("yes", _("Published")), ("no", _("Not published"))],
        empty_label=_("Either"), method="filter_published", label=_("Publication"),
    )

    class Meta(ContributionFilter.Meta):
        fields = []

    def offer_choices(self):
        """The currencies, years and projects of the donor's own contributions (the view's
        queryset)."""
        rows = list(
            self.queryset.order_by()
            .values_list("currency", "year", "project__code", "project__title").distinct()
        )
        self.set_choices("currency", ((c, c) for c in sorted({row[0] for row in rows if row[0]})))
        years = sorted({row[1] for row in rows if row[1] is not None}, reverse=True)
        self.set_choices("year", ((y, str(y)) for y in years))
        projects = sorted({(row[2], row[3]) for row in rows})
        self.set_choices("project", ((code, f"{code} — {title}") for code, title in projects))

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=value == "yes") if value else queryset
