"""JSON API of results frameworks (read-only): ``/api/projects/<code>/results/``, a project's
outcomes with their outputs nested, each indicator with its baseline and, per period, target,
actual and progress against the target.

Everything is read through ``results.progress.framework(project, user)``, as the project page
reads it: the project comes from ``Project.objects.visible_to(user)`` (a demo project's framework
for demo accounts only, any other answered 404), an entered actual appears once approved
(officers and admins also get pending ones, ``state: pending``), computed figures count real
records and their breakdowns read "fewer than 3" where the small-group rule hides a group
(``value`` null). No personal data: who entered or approved an actual is never given.

Codes (``kind``, ``measure``, ``source``, ``state``) stay in English; their labels follow the
request's ``Accept-Language`` (``unodc_portal.core.api.HeaderLanguageMixin``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from activities.models import Project
from results import progress
from results.templatetags.results_tags import state_label
from unodc_portal.core.api import HeaderLanguageMixin, label

DECIMAL = {"max_digits": 20, "decimal_places": 2}

STATE_HELP = _(
    "What the actual is, as a code in English: value (a number; 0 where records of that kind "
    "exist but none falls in the period), no_data (nothing can count, or nothing approved), "
    "pending (an entered value awaiting approval: officers and admins only) or qualitative "
    "(the result as worded in `note`, no number)."
)


class ResultCellSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The group: a sex code or a country's ISO code."))
    label = serializers.CharField()
    value = serializers.DecimalField(**DECIMAL, allow_null=True, help_text=_(
        "The number; null where the small-group rule hides it."))
    shown = serializers.CharField(help_text=_(
        "The figure as the page shows it, in the language asked for: a number or “fewer than "
        "3”."))


class ResultBreakdownSerializer(serializers.Serializer):
    sex = ResultCellSerializer(many=True, required=False)
    country = ResultCellSerializer(many=True, required=False)


class ResultUnplacedSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_(
        "Records known only by their year (or month), which this shorter period cannot "
        "place, e.g. “2011 (year only)”."))
    value = serializers.DecimalField(**DECIMAL)


class ResultMoneySerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(**DECIMAL)


class ResultActualSerializer(serializers.Serializer):
    state = serializers.CharField(help_text=STATE_HELP)
    state_label = serializers.SerializerMethodField(help_text=_(
        "The state in words, in the language asked for; empty for a value."))
    value = serializers.DecimalField(**DECIMAL, allow_null=True, help_text=_(
        "The number (a value or a pending value); null otherwise, and for contributions "
        "received, whose amounts are per currency."))
    note = serializers.CharField(allow_blank=True)
    breakdown = ResultBreakdownSerializer(help_text=_(
        "By sex and by country where the record allows; shown groups first, hidden groups "
        "after them."))
    unplaced = ResultUnplacedSerializer(many=True, help_text=_(
        "Listed beside the figure, not counted in it."))
    per_currency = ResultMoneySerializer(many=True, help_text=_(
        "Contributions received, per currency (never added across currencies)."))
    usd = serializers.DecimalField(**DECIMAL, allow_null=True, help_text=_(
        "Contributions received in US dollars at each contribution's monthly rate; null where "
        "no rate exists."))
    usd_partial = serializers.BooleanField(help_text=_(
        "True where some amounts have no rate: `usd` leaves them out."))

    def get_state_label(self, actual) -> str:
        return str(state_label(actual))


class ResultPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    target = serializers.DecimalField(**DECIMAL, allow_null=True)
    actual = ResultActualSerializer()
    progress = serializers.DecimalField(
        max_digits=20, decimal_places=1, allow_null=True,
        help_text=_("The actual as a percentage of the target; null without a number for both "
                    "or with a target of 0."),
    )


class IndicatorBaselineSerializer(serializers.Serializer):
    value = serializers.DecimalField(source="baseline_value", **DECIMAL, allow_null=True)
    date = serializers.DateField(source="baseline_date", allow_null=True)
    note = serializers.CharField(source="baseline_note", allow_blank=True)


class ResultIndicatorSerializer(serializers.Serializer):
    """An indicator (``progress.IndicatorRow``) with its periods."""

    key = serializers.CharField(source="indicator.key")
    title = serializers.CharField(source="indicator.title")
    description = serializers.CharField(source="indicator.description", allow_blank=True)
    unit = serializers.CharField(source="indicator.unit", allow_blank=True)
    measure = serializers.CharField(source="indicator.measure")
    measure_label = label("measure", "indicator")
    source = serializers.CharField(source="indicator.source")
    source_label = label("source", "indicator")
    event_kinds = serializers.ListField(source="indicator.event_kinds",
                                        child=serializers.CharField())
    substance = serializers.CharField(
        source="indicator.substance.slug", allow_null=True,
        help_text=_("The substance whose seizures are counted (its key); null for other "
                    "sources."),
    )
    baseline = IndicatorBaselineSerializer(source="indicator")
    qualitative_note = serializers.CharField(source="indicator.qualitative_note",
                                             allow_blank=True)
    is_headline = serializers.BooleanField(source="indicator.is_headline")
    periods = ResultPeriodSerializer(many=True)


class ResultOutputSerializer(serializers.Serializer):
    """A result (``progress.ResultRow``) with its indicators."""

    key = serializers.CharField(source="result.key")
    kind = serializers.CharField(source="result.kind")
    kind_label = label("kind", "result")
    title = serializers.CharField(source="result.title")
    description = serializers.CharField(source="result.description", allow_blank=True)
    indicators = ResultIndicatorSerializer(many=True)


class ResultSerializer(ResultOutputSerializer):
    """A result with its indicators and, for an outcome, the outputs under it."""

    outputs = ResultOutputSerializer(many=True, help_text=_(
        "The outputs under this outcome, in order; empty for an output."))


class ProjectFrameworkSerializer(serializers.Serializer):
    """A project's framework: the answer of ``/api/projects/<code>/results/``."""

    project = serializers.CharField(source="project.code")
    project_url = serializers.HyperlinkedRelatedField(
        source="project", view_name="opendata:project-detail", lookup_field="code",
        read_only=True,
    )
    page = serializers.SerializerMethodField(help_text=_("The project's page on the portal."))
    results = ResultSerializer(many=True, help_text=_(
        "Outcomes with their outputs nested, then outputs under no outcome, each in order; "
        "empty where the project has no framework."))

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, framework) -> str:
        request = self.context.get("request")
        path = framework["project"].get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ProjectResultsView(HeaderLanguageMixin, generics.RetrieveAPIView):
    """A project's results framework: outcomes with their outputs nested, each indicator with
    its unit, baseline and, per period, target, actual and progress against the target."""

    serializer_class = ProjectFrameworkSerializer
    lookup_field = "code"
    filter_backends = []  # one answer per project: no list filters
    pagination_class = None

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user)

    def get_object(self):
        project = super().get_object()
        return {"project": project, "results": progress.framework(project, self.request.user)}

    @extend_schema(
        operation_id="projects_results_retrieve",
        tags=["projects"],
        responses={
            200: ProjectFrameworkSerializer,
            404: OpenApiResponse(description=_(
                "No project with this code that the caller may see.")),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
