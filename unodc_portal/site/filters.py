"""Filters that look across both domains."""

from django.utils.translation import gettext_lazy as _

from activities import filters as activities_filters
from donors.models import Contribution, Donor
from unodc_portal.core.filters import KeyFilter


class ProjectFilter(activities_filters.ProjectFilter):
    """The projects' filters, and ``?donor=<slug>``: projects with a contribution from that
    donor that the user may see."""

    # A filter with a method names no model field: without a label, django-filter would call
    # it "[invalid name]".
    donor = KeyFilter(key="slug", queryset=Donor.objects.only("slug", "name"),
                      method="filter_donor", label=_("Donor"))

    def filter_donor(self, queryset, name, donor):
        visible = Contribution.objects.visible_to(self.user).filter(donor=donor)
        return queryset.filter(pk__in=visible.values("project"))
