from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.admin import TranslationAdmin

from accesslog.admin_mixins import LogsParticipantsAdmin
from activities import services
from activities.databasis import sources_label
from activities.forms import bound_reported_participants
from activities.models import (
    Article,
    Bulletin,
    Country,
    Event,
    EventTrainerOrganisation,
    Organisation,
    Participant,
    Participation,
    Person,
    Project,
    Seizure,
    Substance,
    Theme,
)
from activities.models.reference import country_name_order
from unodc_portal.core.admin_history import (
    DemoVisibleAdmin,
    HistoryAdmin,
    HistoryLogAdmin,
    LabelledListEditableAdmin,
    LabelledTabularInline,
    LargeTableAdmin,
    WideTextAdmin,
    register_history_log,
)
from unodc_portal.core.versioning import VersionedAdminMixin, VersionedModelForm, bump_versions


class ShowsParticipants(LogsParticipantsAdmin):
    """The admin pages that may show participants' names, e-mails, phones or positions write
    the access log with the register numbers they show (``accesslog.admin_mixins``): the
    participants' own pages and history, participations, an event's participations inline, the
    delete pages of organisations and countries, which list the participants that stop the
    deletion, and of accounts, which list the admin log entries naming them; the site's
    choosers and "Recent actions" through ``records_shown``."""

    participant_model = Participant


@admin.register(Country)
class CountryAdmin(ShowsParticipants, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code"]

    def get_ordering(self, request):
        # By name: this list, the country choices of every admin form (autocomplete) and the
        # country filters of every other model's list.
        return [country_name_order(), "code"]

    def get_search_results(self, request, queryset, search_term):
        # Names come from django-countries, not the database: match them in Python and
        # add the codes whose name contains the term.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if term:
            codes = [code for code, name in countries if term in name.lower()]
            results |= queryset.filter(code__in=codes)
        return results, may_have_duplicates


@admin.register(Organisation)
class OrganisationAdmin(ShowsParticipants, WideTextAdmin, DemoVisibleAdmin, TranslationAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Person)
class PersonAdmin(WideTextAdmin, admin.ModelAdmin):
    list_display = ["name", "position", "organisation"]
    list_filter = ["organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["name", "position", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Project)
class ProjectAdmin(WideTextAdmin, DemoVisibleAdmin, TranslationAdmin, HistoryAdmin):
    list_display = ["code", "title", "kind", "status", "parent", "budget_amount", "budget_currency"]
    list_filter = ["kind", "status", "themes", "countries"]
    list_select_related = ["parent"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["parent", "countries", "themes", "implementers", "beneficiaries"]
    # donors.admin adds the project's contributions (activities knows nothing of donors).
    inlines = []


class ParticipationInline(LabelledTabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["participant"]
    fields = ["participant", "status"]


class TrainerOrganisationInline(LabelledTabularInline):
    model = EventTrainerOrganisation
    extra = 0
    autocomplete_fields = ["organisation"]


class EventAdminForm(VersionedModelForm):
    """The event's version (a stale form is refused), and the reported participant count
    bounded alike on every database, as on the event page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_reported_participants(self)


def real_participation_count():
    """An event's real participations (no figure counts demo records), as a subquery: the
    database counts for the page's rows only, after the LIMIT, where a JOIN and GROUP BY would
    count every participation of every event before sorting."""
    counted = (
        Participation.objects.filter(event=OuterRef("pk"), is_demo=False)
        .order_by().values("event").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@admin.register(Event)
class EventAdmin(ShowsParticipants, WideTextAdmin, LargeTableAdmin, DemoVisibleAdmin,
                 VersionedAdminMixin, TranslationAdmin, HistoryAdmin):
    form = EventAdminForm
    list_display = [
        "title", "kind", "start_date", "end_date", "date_wording", "city", "country",
        "reported_participants", "participant_records",
    ]
    list_filter = ["kind", "country", "year"]
    list_select_related = ["country"]
    search_fields = ["title", "slug", "city", "venue"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["projects", "organiser", "country", "trainers"]
    inlines = [TrainerOrganisationInline, ParticipationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            participant_records=real_participation_count())

    @admin.display(description=_("participant records"), ordering="participant_records")
    def participant_records(self, obj):
        return obj.participant_records


class EventVersionMixin:
    """Admin of an event's child rows (participations, trainer organisations) edited on their
    own: each save or deletion moves the event's version on."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        events = {obj.event_id}
        if change and "event" in form.changed_data:
            events.add(form.initial.get("event"))
        bump_versions(Event, events)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_versions(Event, [obj.event_id])

    def delete_queryset(self, request, queryset):
        events = set(queryset.values_list("event_id", flat=True))
        super().delete_queryset(request, queryset)
        bump_versions(Event, events)


@admin.register(EventTrainerOrganisation)
class EventTrainerOrganisationAdmin(LargeTableAdmin, EventVersionMixin, admin.ModelAdmin):
    list_display = ["event", "organisation", "trainer_count"]
    list_select_related = ["event", "organisation"]
    search_fields = ["event__title", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["event", "organisation"]


@admin.register(Participant)
class ParticipantAdmin(ShowsParticipants, WideTextAdmin, LargeTableAdmin, DemoVisibleAdmin,
                       VersionedAdminMixin, HistoryAdmin):
    list_display = ["shown_name", "sex", "organisation", "country", "position", "email",
                    "is_demo"]
    list_filter = ["sex", "country", "is_demo", "contact_consent", "organisation__kind"]
    list_select_related = ["organisation", "country"]
    search_fields = ["name", "email", "phone", "position"]
    autocomplete_fields = ["organisation", "country"]
    # The sources record how the data came (the import and the event page write them): shown,
    # never typed. Contact consent is the person's answer, which an admin may correct.
    exclude = ["sources"]
    readonly_fields = ["data_sources"]
    # Its object tools add "Erase this person's data" (personaldata).
    change_form_template = "admin/activities/participant/change_form.html"

    @admin.display(description=_("Source of the data"))
    def data_sources(self, obj):
        return sources_label(obj.sources if obj is not None else [])

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, obj):
        return obj.display_name

    def has_change_permission(self, request, obj=None):
        # An erased record is read only: its personal data are not filled in again.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def delete_model(self, request, obj):
        # The participant's participations go with it: their events change.
        events = set(obj.participations.values_list("event_id", flat=True))
        super().delete_model(request, obj)
        bump_versions(Event, events)

    def delete_queryset(self, request, queryset):
        events = set(Participation.objects.filter(participant__in=queryset)
                     .values_list("event_id", flat=True))
        super().delete_queryset(request, queryset)
        bump_versions(Event, events)


@admin.register(Participation)
class ParticipationAdmin(ShowsParticipants, LargeTableAdmin, DemoVisibleAdmin, EventVersionMixin,
                         HistoryAdmin):
    list_display = ["participant", "event", "status"]
    list_filter = ["status"]
    list_select_related = ["participant", "event"]
    search_fields = ["participant__name", "event__title"]
    autocomplete_fields = ["participant", "event"]


@admin.register(Substance)
class SubstanceAdmin(TranslationAdmin):
    list_display = ["name", "kind", "density_kg_per_l"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        # A density change re-derives the kilograms of litre seizures, with their history.
        services.substance_save(obj, user=request.user)


@admin.register(Seizure)
class SeizureAdmin(LargeTableAdmin, DemoVisibleAdmin, VersionedAdminMixin, HistoryAdmin):
    list_display = [
        "key", "kind", "substance", "qualifier", "quantity", "unit", "quantity_kg", "year",
        "period_wording", "country", "region",
    ]
    list_filter = ["kind", "substance", "unit", "country", "year"]
    list_select_related = ["substance", "country"]
    search_fields = ["key", "place", "region", "period_wording"]
    autocomplete_fields = ["substance", "country", "seizing_agency", "project"]
    readonly_fields = ["quantity_kg", "kg_missing_reason"]

    @admin.display(description=_("why no kilograms"))
    def kg_missing_reason(self, obj):
        return obj.kg_missing_reason or "—"


class ArticleInline(LabelledTabularInline):
    model = Article
    extra = 0
    fields = ["position", "title", "section", "status"]
    show_change_link = True


@admin.register(Bulletin)
class BulletinAdmin(WideTextAdmin, admin.ModelAdmin):
    list_display = ["title", "period_wording", "period_start", "period_end", "published_on"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(WideTextAdmin, LabelledListEditableAdmin, TranslationAdmin):
    list_display = ["title", "bulletin", "position", "section", "place", "start_date", "status"]
    list_filter = ["status", "section", "bulletin"]
    list_select_related = ["bulletin"]
    search_fields = ["title", "kicker", "body", "slug"]
    list_editable = ["status"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "bulletin", "projects", "events", "organisations", "people", "seizures", "countries",
    ]


class ParticipantHistoryLogAdmin(ShowsParticipants, HistoryLogAdmin):
    """The history logs of participants (every row names the person) and of participations
    (a row's page shows its participant)."""


class AccountAdmin(ShowsParticipants, UserAdmin):
    """Django's account admin, whose delete page lists the account's admin log entries: each
    names the record it changed, participants included."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AccountAdmin)


for tracked in (Project, Event, Seizure):
    register_history_log(tracked)
for tracked in (Participant, Participation):
    admin.site.register(tracked.history.model, ParticipantHistoryLogAdmin)
