"""Search as you type for the relation filters over tables that grow with the record (the
register's event and organisation filters; ``unodc_portal.core.lookups``). Records only as the
user may see them (``visible_to``): demo records for demo accounts only."""

from activities.models import Event, Organisation
from unodc_portal.core.lookups import LookupView
from unodc_portal.core.templatetags.portal import reported_dates

# What an event's label reads: many events share a title (a yearly workshop), so the label adds
# the dates and the city.
EVENT_LABEL_FIELDS = (
    "slug", "title", "city", "start_date", "end_date", "date_wording", "year", "month",
)


def event_label(event: Event) -> str:
    """The title, dates and city ("Border liaison workshop, 21 February 2011, Osh"): the
    filter's chosen event and the search's suggestions read alike."""
    return ", ".join(part for part in (event.title, reported_dates(event), event.city) if part)


class EventLookupView(LookupView):
    """``/lookup/events/?q=osh`` — events by words of their title, newest first."""

    search_fields = ("title",)

    def get_queryset(self):
        # The model's order (newest first) is the order of an index: with LIMIT the database
        # reads the newest events until it has enough matches.
        return Event.objects.visible_to(self.request.user).only(*EVENT_LABEL_FIELDS)

    def label(self, record):
        return event_label(record)


class OrganisationLookupView(LookupView):
    """``/lookup/organisations/?q=drug`` — organisations by words of their name or acronym,
    by name."""

    search_fields = ("name", "acronym")

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).only("slug", "name", "acronym")
