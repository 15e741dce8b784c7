"""One FilterSet per public list; shared by the pages, the JSON API and the exports.

Callers pass the queryset to filter — always starting from the model's visibility rule where
it has one (``Article.objects.visible_to(user)``) — and the request, whose user decides what a
filter may look through (the projects' ``donor`` filter, added in ``unodc_portal.site.filters``,
sees visible contributions only).
"""

import django_filters as filters
from django.db.models import CharField, Expression, F, Q, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from activities.lookups import EVENT_LABEL_FIELDS, event_label
from activities.models import (
    Article,
    Country,
    Event,
    Organisation,
    Participant,
    Project,
    Seizure,
    Substance,
    Theme,
)
from unodc_portal.core.filters import (
    SEARCH_MAX_LENGTH,
    KeyChoiceField,
    KeyFilter,
    PortalFilterSet,
    SearchFilter,
    SortFilter,
    YearFilter,
    a_to_z,
    blank_as_null,
    oldest_first,
    period_filters,
)


class CountryChoiceField(KeyChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs["upper"] = True
        super().__init__(*args, **kwargs)


class CountryFilter(KeyFilter):
    """A country by ISO code in any case (``?country=kg``), listed by name."""

    field_class = CountryChoiceField

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Country.objects.by_name())
        kwargs.setdefault("label", _("Country"))
        super().__init__(key="code", **kwargs)


class InReadersLanguage(Expression):
    """A translated text column (django-modeltranslation's ``title_en``/``title_ru``) as the
    reader sees it, for sorting: in Russian the Russian text where there is one, else the
    English (``Coalesce(NullIf("title_ru", ""), "title_en")``); in English the English column.

    Sorting by the plain field name would not do: modeltranslation rewrites ``order_by("title")``
    to ``title_ru`` on a Russian page, which puts every record with no Russian version first.
    The language is read when the query is compiled, so one sort declared at import serves
    both languages."""

    def __init__(self, field: str):
        super().__init__(output_field=CharField())
        self.translated_field = field

    def __repr__(self):
        return f"{self.__class__.__name__}({self.translated_field!r})"

    def in_language(self):
        field = self.translated_field
        if (get_language() or "").split("-")[0] == "ru":
            return Coalesce(NullIf(F(f"{field}_ru"), Value("")), F(f"{field}_en"),
                            output_field=CharField())
        return F(f"{field}_en")

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False,
                           for_save=False):
        return self.in_language().resolve_expression(
            query, allow_joins, reuse, summarize, for_save)


def both_languages(*fields):
    """Search fields for translated text in both its columns: ``"title"`` becomes
    ``"title_en", "title_ru"``. Searching the plain name would not do: modeltranslation
    rewrites ``title__icontains`` to the reader's language only, so a Russian search would miss
    every record entered in English alone."""
    return tuple(f"{field}_{code}" for field in fields for code in ("en", "ru"))


# year and month are filled from the start date when known, so they order worded dates too.
BY_DATE = oldest_first(_("Date"), "year", "month", "start_date")
BY_TITLE = a_to_z(_("Title"), InReadersLanguage("title"))
ANY = _("Any")


def project_filter(**kwargs):
    """A project or operation by its code (``?project=KGZK50``)."""
    kwargs.setdefault("label", _("Project or operation"))
    return KeyFilter(key="code", queryset=Project.objects.only("code", "title"), **kwargs)


class ArticleFilter(PortalFilterSet):
    q = SearchFilter(search_fields=both_languages("title", "kicker", "body"),
                     label=_("Search titles and text"))
    section = filters.ChoiceFilter(choices=Article.Section.choices, empty_label=ANY)
    country = CountryFilter(field_name="countries")
    project = project_filter(field_name="projects")
    date_after, date_before = period_filters()
    sort = SortFilter(sorts={"date": BY_DATE, "title": BY_TITLE},
                      empty_label=_("Bulletin order"))

    class Meta(PortalFilterSet.Meta):
        model = Article
        fields = []


class ProjectFilter(PortalFilterSet):
    q = SearchFilter(search_fields=("code", *both_languages("title")),
                     label=_("Search codes and titles"))
    country = CountryFilter(field_name="countries")
    theme = KeyFilter(key="slug", field_name="themes", queryset=Theme.objects.all())
    status = filters.ChoiceFilter(choices=Project.Status.choices, empty_label=ANY)
    kind = filters.ChoiceFilter(choices=Project.Kind.choices, empty_label=ANY)
    sort = SortFilter(sorts={
        "code": a_to_z(_("Code"), "code"),
        "title": BY_TITLE,
        "start": oldest_first(
            _("Start"), Coalesce(ExtractYear("start_date"), "start_year"), "start_date"
        ),
    }, empty_label=_("Code"))

    class Meta(PortalFilterSet.Meta):
        model = Project
        fields = []


class EventFilter(PortalFilterSet):
    q = SearchFilter(search_fields=both_languages("title"), label=_("Search titles"))
    kind = filters.ChoiceFilter(choices=Event.Kind.choices, empty_label=ANY)
    country = CountryFilter()
    city = filters.ChoiceFilter(choices=[], empty_label=ANY)
    project = project_filter(field_name="projects")
    date_after, date_before = period_filters()
    sort = SortFilter(
        sorts={"date": BY_DATE, "title": BY_TITLE,
               "city": a_to_z(_("City"), blank_as_null("city"))},
        default="-date", empty_label=_("Newest first"),
    )

    class Meta(PortalFilterSet.Meta):
        model = Event
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The cities that events took place in, as the choices (one query).
        cities = Event.objects.visible_to(self.user).exclude(city="").order_by("city")\
            .values_list("city", flat=True)
        self.set_choices("city", ((c, c) for c in cities.distinct()))


class SeizureFilter(PortalFilterSet):
    q = SearchFilter(
        search_fields=(*both_languages("substance__name"), "place", "region", "notes",
                       "period_wording"),
        label=_("Search substance, place and notes"),
    )
    substance = KeyFilter(key="slug", queryset=Substance.objects.all())
    country = CountryFilter()
    project = project_filter()
    kind = filters.ChoiceFilter(choices=Seizure.Kind.choices, empty_label=ANY)
    year_min = YearFilter(label=_("From year"), method="filter_year_min")
    year_max = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    # For those who record seizures only (the workspace's link to the seizures one recorded).
    recorded = filters.ChoiceFilter(
        choices=[("me", _("Me"))], empty_label=_("Anyone"), label=_("Recorded by"),
        method="filter_recorded",
    )
    sort = SortFilter(sorts={
        "date": oldest_first(_("Date"), "year", "date"),
        "substance": a_to_z(_("Substance"), InReadersLanguage("substance__name")),
        "kg": (_("Kilograms, smallest first"), _("Kilograms, largest first"), ("quantity_kg",)),
    }, empty_label=_("Newest first"))

    class Meta(PortalFilterSet.Meta):
        model = Seizure
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.user and self.user.has_perm("activities.add_seizure")):
            del self.filters["recorded"]

    def filter_recorded(self, queryset, name, value):
        return queryset.recorded_by(self.user) if value == "me" else queryset

    def filter_year_min(self, queryset, name, year):
        """Seizures in or after ``year``: an aggregate period counts if it reaches that year."""
        return queryset.filter(Q(year__gte=year) | Q(end_year__gte=year))


class ParticipantFilter(PortalFilterSet):
    """The participant register (officers only): search and filters by organisation, country,
    sex, event and year."""

    q = filters.CharFilter(
        label=_("Name, e-mail or phone"), method="search", max_length=SEARCH_MAX_LENGTH,
        strip=True,
    )
    # Organisations and events grow with the record: searched as the officer types.
    organisation = KeyFilter(
        key="slug", queryset=Organisation.objects.only("slug", "name", "acronym"),
        lookup="activities:organisation_lookup",
    )
    country = CountryFilter()
    sex = filters.ChoiceFilter(choices=Participant.Sex.choices, empty_label=ANY)
    event = KeyFilter(
        key="slug", field_name="participations__event", distinct=True, label=_("Event"),
        queryset=Event.objects.only(*EVENT_LABEL_FIELDS), labels=event_label,
        lookup="activities:event_lookup",
    )
    year = YearFilter(field_name="participations__event__year", distinct=True,
                      label=_("Year of an event"))

    class Meta(PortalFilterSet.Meta):
        model = Participant
        fields = []

    def search(self, queryset, name, value):
        """Matches the name however it is written (case, diacritics, Cyrillic or Latin), or the
        e-mail or phone."""
        if not value:
            return queryset
        return queryset.search(value, also=Q(email__icontains=value) | Q(phone__icontains=value))
