"""Search as you type for the relation filters over tables that grow with the record (the
register's event and organisation filters; ``unodc_portal.core.lookups``). Records only as the
user may see them (``visible_to``): demo records for demo accounts only."""

from django.db.models import Count, F, Max, Q

from activities.models import Event, Organisation, Person, Project
from unodc_portal.core.lookups import LookupView
from unodc_portal.core.roles import is_demo_user
from unodc_portal.core.templatetags.portal import reported_dates_text

# What an event's label reads: many events share a title (a yearly workshop), so the label adds
# the dates and the city.
EVENT_LABEL_FIELDS = (
    "slug", "title", "city", "start_date", "end_date", "date_wording", "year", "month",
)


def event_label(event: Event) -> str:
    """The title, dates and city ("Border liaison workshop, 21 February 2011, Osh"): the
    filter's chosen event and the search's suggestions read alike."""
    return ", ".join(part for part in (event.title, reported_dates_text(event), event.city) if part)


class EventLookupView(LookupView):
    """``/lookup/events/?q=osh`` — events by words of their title, newest first."""

    # Both languages' titles, whatever the page's language (modeltranslation would read
    # ``title`` as the page's language only).
    search_fields = ("title_en", "title_ru")

    def get_queryset(self):
        # The model's order (newest first) is the order of an index: with LIMIT the database
        # reads the newest events until it has enough matches.
        return Event.objects.visible_to(self.request.user).only(*EVENT_LABEL_FIELDS)

    def label(self, record):
        return event_label(record)


class OrganisationLookupView(LookupView):
    """``/lookup/organisations/?q=drug`` — organisations by words of their name or acronym,
    by name."""

    search_fields = ("name_en", "name_ru", "acronym")

    def get_queryset(self):
        return Organisation.objects.visible_to(self.request.user).only("slug", "name", "acronym")


class ProjectLookupView(LookupView):
    """``/lookup/projects/?q=kgz`` — projects by their code or words of their title, by code
    (the event page's projects)."""

    key = "code"
    search_fields = ("code", "title_en", "title_ru")

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).only("code", "title").order_by(
            "code")

    def label(self, record):
        return f"{record.code} — {record.title}"


class PersonLookupView(LookupView):
    """``/lookup/people/?q=smith`` — public people by words of their name, position or
    organisation, trainers first (the event page's trainers): those who trained at the most
    recent events, then the most often, then everyone else by name — so that a minister who
    opened a workshop does not head the list of trainers. The counts cover the matched people
    only (at most a few hundred), never the whole table."""

    search_fields = ("name", "position", "organisation__name_en", "organisation__name_ru",
                     "organisation__acronym")

    def get_queryset(self):
        # People are public records (no demo copies); the events they trained at are
        # counted as the user may see them.
        seen = None if is_demo_user(self.request.user) else Q(trained_events__is_demo=False)
        return (
            Person.objects.select_related("organisation")
            .only("slug", "name", "position", "organisation__name", "organisation__acronym")
            .annotate(
                times=Count("trained_events", distinct=True, filter=seen),
                last_year=Max("trained_events__year", filter=seen),
            )
            .order_by(F("last_year").desc(nulls_last=True), "-times", "name", "pk")
        )

    def label(self, record):
        where = record.organisation.acronym or record.organisation.name \
            if record.organisation else ""
        return ", ".join(part for part in (record.name, record.position, where) if part)
