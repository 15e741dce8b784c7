"""JSON API of the programme record: projects, events, seizures and articles (read-only).

Every record comes from its model's ``visible_to(user)`` (demo records for demo accounts only).
Events carry participant *aggregates* (by sex, country and agency, small cells protected as on
the pages: ``activities.aggregates``); officers and admins (``can_see_personal_data``) also get
the participant records, each written in the access log (``ParticipationSerializer``).
Articles come from ``Article.objects.visible_to(user)``.

Choice fields give their code under their own name (``kind``: "workshop") and their label in the
language of the request's ``Accept-Language`` beside it (``kind_label``: "Семинар");
translated content (titles, descriptions) and the participant figures' labels follow the same
language, falling back to English (``unodc_portal.core.api.HeaderLanguageMixin``).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from accesslog.log import saw
from activities import aggregates
from activities.filters import ArticleFilter, EventFilter, ProjectFilter, SeizureFilter
from activities.models import (
    Article,
    Event,
    Organisation,
    Participation,
    Person,
    Project,
    Seizure,
)
from unodc_portal.core.api import (
    CountryCodeField,
    HeaderLanguageMixin,
    PageField,
    key,
    keys,
    label,
)
from unodc_portal.core.roles import can_see_personal_data


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------
class ProjectSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="opendata:project-detail", lookup_field="code"
    )
    page = PageField()
    parent = key("code")
    countries = CountryCodeField(many=True, read_only=True)
    themes = keys("slug")
    implementers = keys("slug")
    beneficiaries = keys("slug")
    kind_label = label("kind")
    status_label = label("status")

    class Meta:
        model = Project
        fields = [
            "url", "page", "code", "title", "kind", "kind_label", "status", "status_label",
            "parent", "countries", "region",
            "themes", "start_date", "end_date", "start_year", "budget_amount", "budget_currency",
            "implementers", "beneficiaries", "description",
        ]


class ProjectViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Projects, programmes, operations and initiatives, with the filters of /projects/."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).select_related(
            "parent"
        ).prefetch_related("countries", "themes", "implementers", "beneficiaries")


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
STATE_HELP = _("What is shown, as a code in English: shown, fewer_than (“fewer than 3”) or "
                "not_shown.")


class CellSerializer(serializers.Serializer):
    label = serializers.CharField()
    shown = serializers.CharField(help_text=_(
        "The figure as the page shows it, in the language asked for: a number, “fewer than 3” "
        "or “not shown”."
    ))
    count = serializers.IntegerField(source="value", allow_null=True,
                                     help_text=_("The number; null where it is protected."))
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)


class BreakdownSerializer(serializers.Serializer):
    title = serializers.CharField()
    total_shown = serializers.CharField()
    total_state = serializers.CharField(source="total.state", read_only=True,
                                        help_text=STATE_HELP)
    withheld = serializers.BooleanField(
        help_text=_("True when no breakdown can be shown without revealing a small group.")
    )
    cells = CellSerializer(many=True, help_text=_(
        "Shown groups first, largest first (ties by label); then every hidden group, in label "
        "order."
    ))


class ParticipantFiguresSerializer(serializers.Serializer):
    total_shown = serializers.CharField(help_text=_(
        "Registered participants (“fewer than 3” below three)."
    ))
    total_state = serializers.CharField(source="total.state", read_only=True,
                                        help_text=STATE_HELP)
    by_sex = BreakdownSerializer()
    by_country = BreakdownSerializer()
    by_organisation = BreakdownSerializer()


class EventListSerializer(serializers.ListSerializer):
    """Computes the participant aggregates of every event on the page at once (three grouped
    queries), for ``EventSerializer.get_participants``."""

    def to_representation(self, data):
        events = list(data.all() if hasattr(data, "all") else data)
        self.context["participant_figures"] = aggregates.participant_figures_by_event(
            event.pk for event in events
        )
        return super().to_representation(events)


class EventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="opendata:event-detail", lookup_field="slug"
    )
    page = PageField()
    projects = keys("code")
    organiser = key("slug")
    country = CountryCodeField(read_only=True)
    trainers = keys("slug")
    participants = serializers.SerializerMethodField()
    kind_label = label("kind")

    class Meta:
        model = Event
        list_serializer_class = EventListSerializer
        fields = [
            "url", "page", "slug", "title", "kind", "kind_label", "projects", "organiser", "city",
            "country",
            "venue", "start_date", "end_date", "year", "month", "date_wording", "topics",
            "description", "trainers", "reported_participants", "reported_participants_wording",
            "participants",
        ]

    @extend_schema_field(ParticipantFiguresSerializer)
    def get_participants(self, event):
        """Registered participants by sex, country and agency; a group smaller than 3 reads
        "fewer than 3" and its count is null."""
        figures = self.context.get("participant_figures") or {}
        if event.pk not in figures:
            figures = aggregates.participant_figures_by_event([event.pk])
        return ParticipantFiguresSerializer(figures[event.pk]).data


class ParticipationSerializer(serializers.ModelSerializer):
    """Personal data: officers and admins only."""

    # Each record written into an answer is noted in the access log (``accesslog.log.saw``,
    # with the request's user, token-signed or not). An erased person's ``name`` reads
    # "Erased participant No. N" (``Participant.display_name``).

    name = serializers.CharField(source="participant.display_name")
    sex = serializers.CharField(source="participant.sex")
    sex_label = label("sex", "participant")
    status_label = label("status")
    organisation = key("slug", source="participant.organisation")
    country = CountryCodeField(source="participant.country", read_only=True)
    position = serializers.CharField(source="participant.position")
    email = serializers.CharField(source="participant.email")
    phone = serializers.CharField(source="participant.phone")

    class Meta:
        model = Participation
        fields = ["participant", "name", "sex", "sex_label", "organisation", "country",
                  "position", "email", "phone", "status", "status_label"]

    def to_representation(self, instance):
        request = self.context.get("request")
        if request is not None:
            saw(request, (instance.participant_id,))
        return super().to_representation(instance)


class EventWithParticipantsSerializer(EventSerializer):
    """For officers and admins: the participant records too."""

    # Not read-only, so that the schema lists it as optional: only officers' and admins'
    # answers hold it. The API is read-only all the same (its viewsets take no writes).
    participant_records = ParticipationSerializer(source="participations", many=True,
                                                  required=False)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "participant_records"]


class EventViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Events with the filters of /events/. Participants appear as protected aggregates;
    officers and admins also get `participant_records` (names, e-mails, phones)."""

    filterset_class = EventFilter
    lookup_field = "slug"

    def get_serializer_class(self):
        # The schema is the same for everyone and describes the officers' answer, whose
        # `participant_records` is optional (swagger_fake_view: drf-spectacular's schema run).
        if getattr(self, "swagger_fake_view", False) or can_see_personal_data(self.request.user):
            return EventWithParticipantsSerializer
        return EventSerializer

    def get_queryset(self):
        events = Event.objects.visible_to(self.request.user).with_related().prefetch_related(
            Prefetch("trainers", queryset=Person.objects.only("slug"))
        )
        if can_see_personal_data(self.request.user):
            events = events.prefetch_related(Prefetch(
                "participations",
                queryset=Participation.objects.visible_to(self.request.user).select_related(
                    "participant__organisation", "participant__country"
                ).order_by("participant__name", "participant__pk"),
            ))
        return events


# --------------------------------------------------------------------------------------------
# Seizures
# --------------------------------------------------------------------------------------------
class SeizureSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="opendata:seizure-detail")
    page = PageField()
    substance = key("slug")
    substance_name = serializers.CharField(source="substance.name", read_only=True)
    country = CountryCodeField(read_only=True)
    seizing_agency = key("slug")
    project = key("code")
    kind_label = label("kind")
    qualifier_label = label("qualifier")
    unit_label = label("unit")

    class Meta:
        model = Seizure
        fields = [
            "url", "page", "id", "key", "kind", "kind_label", "substance", "substance_name",
            "qualifier", "qualifier_label", "quantity", "unit", "unit_label", "quantity_kg",
            "date", "year", "end_year", "period_wording",
            "country", "region", "place", "seizing_agency", "project", "notes",
        ]


class SeizureViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Seizures with the filters of /seizures/. Kilogram totals add individual seizures only;
    `kind: aggregate` rows are totals reported over a period, never to be added in."""

    serializer_class = SeizureSerializer
    filterset_class = SeizureFilter

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related()


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------
class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="opendata:article-detail", lookup_field="slug"
    )
    page = PageField()
    bulletin = key("slug")
    projects = keys("code")
    events = keys("slug")
    organisations = keys("slug")
    people = keys("slug")
    seizures = keys("key")
    countries = CountryCodeField(many=True, read_only=True)
    section_label = label("section")
    status_label = label("status")

    class Meta:
        model = Article
        fields = [
            "url", "page", "slug", "bulletin", "position", "title", "kicker", "section",
            "section_label", "section_detail", "place", "start_date", "end_date", "year",
            "month", "date_wording", "body", "status", "status_label", "projects", "events",
            "organisations", "people",
            "seizures", "countries",
        ]


class ArticleViewSet(HeaderLanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Bulletin articles with the filters of /articles/: published ones (drafts too for those
    who may edit articles)."""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related(
            "bulletin"
        ).prefetch_related(
            Prefetch("projects", queryset=Project.objects.real().only("code")),
            Prefetch("events", queryset=Event.objects.real().only("slug")),
            Prefetch("organisations", queryset=Organisation.objects.real()),
            Prefetch("people", queryset=Person.objects.only("slug")),
            Prefetch("seizures", queryset=Seizure.objects.real().only("key")), "countries",
        )
