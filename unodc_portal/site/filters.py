"""Filters that look across both domains."""

from activities import filters as activities_filters
from donors.models import Contribution, Donor
from unodc_portal.core.filters import KeyFilter


class ProjectFilter(activities_filters.ProjectFilter):
    """The projects' filters, and ``?donor=<slug>``: projects with a contribution from that
    donor that the user may see."""

    donor = KeyFilter(key="slug", queryset=Donor.objects.only("slug", "name"),
                      method="filter_donor")

    def filter_donor(self, queryset, name, donor):
        visible = Contribution.objects.visible_to(self.user).filter(donor=donor)
        return queryset.filter(pk__in=visible.values("project"))
