"""The bulletin's records: how many of each, the values the text states (and nothing it does not),
and every article linked to every record it mentions."""

import datetime
import re
from decimal import Decimal

import pytest
from django_countries import countries

from activities import models as am
from donors import models as dm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulletin_data")]


def test_record_counts():
    """Records of this bulletin: linked from its articles (so a next bulletin changes nothing)."""
    of_bulletin = {"articles__bulletin__slug": "roca-bulletin-2011-q1"}

    def count(model, **lookup):
        return model.objects.filter(**(lookup or of_bulletin)).distinct().count()

    assert {
        "articles": count(am.Article, bulletin__slug="roca-bulletin-2011-q1"),
        "countries": count(am.Country),
        "organisations": count(am.Organisation),
        "people": count(am.Person),
        "projects": count(am.Project),
        "events": count(am.Event),
        "trainer organisations": count(
            am.EventTrainerOrganisation, event__articles__bulletin__slug="roca-bulletin-2011-q1"
        ),
        "seizures": count(am.Seizure),
        "contributions": count(dm.Contribution, article__bulletin__slug="roca-bulletin-2011-q1"),
        "donors": count(
            dm.Donor, contributions__article__bulletin__slug="roca-bulletin-2011-q1"
        ),
    } == {
        "articles": 9,
        "countries": 18,
        "organisations": 36,
        "people": 10,
        "projects": 16,
        "events": 14,
        "trainer organisations": 4,
        "seizures": 1,
        "contributions": 8,
        "donors": 8,
    }


def test_reference_lists():
    assert {"acetic-anhydride", "heroin", "opium", "opiates"} <= set(
        am.Substance.objects.values_list("slug", flat=True)
    )
    assert {
        "law-enforcement", "precursor-control", "border-control",
        "rule-of-law-and-criminal-justice", "prison-reform", "anti-corruption",
        "drug-demand-reduction-and-prevention", "hiv-aids", "donor-coordination", "legal-advisory",
    } <= set(am.Theme.objects.values_list("slug", flat=True))


# --- Articles --------------------------------------------------------------------------------
def test_articles_in_bulletin_order_with_sections_places_and_dates():
    rows = [
        (a.position, a.title, a.section, a.place, a.start_date, a.end_date, a.year, a.month,
         a.date_wording)
        for a in am.Article.objects.filter(bulletin__slug="roca-bulletin-2011-q1")
    ]
    d = datetime.date
    assert rows == [
        (1, "UNODC’s work with Kyrgyzstan’s anti-drug agency to curb illicit narcotics and "
            "organized crime", "high_level_visit", "Bishkek, Kyrgyzstan", None, None, 2011, 4,
         "late April"),
        (2, "Integrated Country Programme for Kyrgyzstan", "", "Bishkek, Kyrgyzstan",
         d(2011, 3, 10), d(2011, 3, 11), 2011, 3, ""),
        (3, "Planning for success", "workshop", "", d(2011, 2, 21), d(2011, 2, 25), 2011, 2, ""),
        (4, "Donors establish a united front in Central Asia", "conference",
         "Ashgabat, Turkmenistan", d(2011, 3, 25), None, 2011, 3, ""),
        (5, "Training for law enforcement officers on the Turkmen-Uzbek border",
         "project_activity", "Turkmenabat, Turkmenistan", d(2011, 2, 21), d(2011, 6, 11), 2011,
         2, ""),
        (6, "Kazakhstan adopts recommended extradition practices", "", "Kazakhstan", None, None,
         2011, None, "this year"),
        (7, "Central Asian prosecutors discussed international and national standards",
         "training_course", "Tashkent, Uzbekistan", d(2011, 3, 24), d(2011, 3, 25), 2011, 3, ""),
        (8, "UNODC advocates for a favorable AIDS legislation", "", "Almaty, Kazakhstan",
         d(2011, 1, 19), None, 2011, 1, ""),
        (9, "Helps parents help their children", "drug_use_prevention", "Almaty, Kazakhstan",
         d(2011, 1, 23), d(2011, 1, 27), 2011, 1, ""),
    ]


def test_every_article_is_published_in_the_bulletin():
    assert set(am.Article.objects.values_list("status", flat=True)) == {"published"}
    assert set(am.Article.objects.values_list("bulletin__slug", flat=True)) == {
        "roca-bulletin-2011-q1"
    }


def test_headlines_are_in_ordinary_capitalisation_with_acronyms_kept():
    acronyms = {"UNODC", "AIDS"}
    for article in am.Article.objects.all():
        for headline in filter(None, [article.title, article.kicker]):
            shouting = [w for w in re.findall(r"[A-Z]{2,}\w*", headline) if w not in acronyms]
            assert shouting == [], (article.slug, shouting)
            assert headline[0].isupper()


# --- Events ------------------------------------------------------------------------------------
def event(slug):
    return am.Event.objects.get(slug=slug)


@pytest.mark.parametrize(
    ("slug", "kind", "start", "end", "year", "month", "wording", "city", "country"),
    [
        ("executive-director-visit-kyrgyzstan-2011-04", "official_visit", None, None, 2011, 4,
         "late April", "Bishkek", "KG"),
        ("icp-kyrgyzstan-expert-meeting-2011-03", "expert_meeting", "2011-03-10", "2011-03-11",
         2011, 3, "", "Bishkek", "KG"),
        ("operational-planning-course-2011-02", "training_course", "2011-02-21", "2011-02-25",
         2011, 2, "", "", None),
        ("law-enforcement-donor-coordination-meeting-2011-03", "donor_coordination",
         "2011-03-25", None, 2011, 3, "", "Ashgabat", "TM"),
        ("soca-visit-turkmenistan", "official_visit", None, None, None, None, "", "", "TM"),
        ("turkmenabat-interview-techniques-workshop-2011-02", "workshop", "2011-02-21",
         "2011-02-25", 2011, 2, "", "Turkmenabat", "TM"),
        ("turkmenabat-criminal-investigations-workshop-2011-03", "workshop", "2011-03-28",
         "2011-04-01", 2011, 3, "", "Turkmenabat", "TM"),
        ("narcotic-detector-dogs-handover-turkmenistan-2011", "handover", None, None, 2011, None,
         "the beginning of 2011", "", "TM"),
        ("dog-handler-course-2011", "dog_handler_course", "2011-03-06", "2011-06-11", 2011, 3,
         "", "", None),
        ("turkmenistan-assessment-mission-2010-11", "assessment_mission", "2010-11-01",
         "2010-11-03", 2010, 11, "", "", "TM"),
        ("prosecutors-standards-course-2011-03", "training_course", "2011-03-24", "2011-03-25",
         2011, 3, "", "Tashkent", "UZ"),
        ("hiv-legislation-consultative-meeting-2011-01", "consultative_meeting", "2011-01-19",
         None, 2011, 1, "", "Almaty", "KZ"),
        ("fast-training-of-trainers-almaty-2011-01", "training_of_trainers", "2011-01-23",
         "2011-01-27", 2011, 1, "", "Almaty", "KZ"),
        ("initial-fast-training-programme-2010", "training_course", None, None, 2010, None,
         "autumn 2010", "", None),
    ],
)
def test_event_kinds_dates_and_places(slug, kind, start, end, year, month, wording, city,
                                      country):
    e = event(slug)
    as_date = datetime.date.fromisoformat
    assert (e.kind, e.start_date, e.end_date, e.year, e.month, e.date_wording, e.city) == (
        kind, start and as_date(start), end and as_date(end), year, month, wording, city
    )
    assert (e.country.code.code if e.country else None) == country


def test_reported_participant_counts_keep_their_words():
    reported = {
        e.slug: (e.reported_participants, e.reported_participants_wording)
        for e in am.Event.objects.exclude(reported_participants=None)
    }
    assert reported == {
        "operational-planning-course-2011-02": (18, "eighteen"),
        "turkmenabat-interview-techniques-workshop-2011-02": (20, "20"),
        "turkmenabat-criminal-investigations-workshop-2011-03": (14, "14"),
        "prosecutors-standards-course-2011-03": (41, "over forty one"),
        "dog-handler-course-2011": (2, "Two agency officers"),
        "fast-training-of-trainers-almaty-2011-01": (
            25,
            "19 school teachers, school psychologists, parent partners and six members of "
            "cultural-adaptation groups",
        ),
    }
    # A count with no wording, or a wording with no count, would be a guess or a loss.
    assert not am.Event.objects.filter(reported_participants=None).exclude(
        reported_participants_wording=""
    ).exists()


def test_trainers_and_trainer_organisations():
    course = event("operational-planning-course-2011-02")
    assert list(course.trainers.values_list("slug", flat=True)) == ["steven-brown"]
    assert [(t.organisation.slug, t.trainer_count) for t in course.trainer_links.all()] == [
        ("london-metropolitan-police", 3)
    ]
    second = event("turkmenabat-criminal-investigations-workshop-2011-03")
    assert sorted(
        (t.organisation.acronym, t.trainer_count) for t in second.trainer_links.all()
    ) == [("DEA", None), ("TADOC", None)]
    first = event("turkmenabat-interview-techniques-workshop-2011-02")
    assert [t.organisation.acronym for t in first.trainer_links.all()] == ["TADOC"]
    tot = event("fast-training-of-trainers-almaty-2011-01")
    assert list(tot.trainers.values_list("slug", flat=True)) == ["lynn-mcdonald"]


def test_events_run_under_their_projects():
    def codes(slug):
        return sorted(event(slug).projects.values_list("code", flat=True))

    assert codes("operational-planning-course-2011-02") == ["PRECURSOR-CONTROL-CA", "TARCET"]
    assert codes("prosecutors-standards-course-2011-03") == ["UZBT65"]
    assert codes("dog-handler-course-2011") == ["TKM-FARAP"]
    assert codes("executive-director-visit-kyrgyzstan-2011-04") == [
        "ICP-KGZ", "KGZ-PRISON-REFORM", "KGZK50"
    ]


# --- Projects, seizures, contributions -------------------------------------------------------
def test_prison_reform_budget_is_recorded_once_on_the_project():
    project = am.Project.objects.get(code="KGZ-PRISON-REFORM")
    assert (project.budget_amount, project.budget_currency) == (Decimal("3000000"), "EUR")
    assert list(project.implementers.values_list("slug", flat=True)) == ["unodc"]
    (eu,) = project.contributions.all()
    assert (eu.donor.slug, eu.kind, eu.amount, eu.currency) == ("european-union", "cash", None, "")
    # Nowhere else is the €3 million typed in.
    assert not dm.Contribution.objects.exclude(amount=None).exists()
    assert am.Project.objects.exclude(budget_amount=None).count() == 1


def test_project_codes_parent_and_kinds():
    kgzk50 = am.Project.objects.get(code="KGZK50")
    assert kgzk50.parent.code == "ICP-KGZ"
    assert list(kgzk50.beneficiaries.values_list("slug", flat=True)) == [
        "kg-state-service-on-drug-control"
    ]
    kinds = dict(am.Project.objects.values_list("code", "kind"))
    assert kinds["TARCET"] == "operation"
    assert kinds["PARIS-PACT"] == kinds["ADAM"] == "initiative"
    assert {kinds[c] for c in ["ICP-KGZ", "TREATNET", "BOMCA", "CADAP-5", "LEGAL-ADVISORY",
                               "FAST"]} == {"programme"}
    assert am.Project.objects.get(code="TARCET").start_year == 2008
    assert am.Project.objects.get(code="UZBT65").title == (
        "Strengthening anti-corruption measures in Uzbekistan"
    )


def test_unodc_implements_only_what_the_text_calls_unodc_work():
    assert sorted(
        am.Project.objects.filter(implementers__slug="unodc").values_list("code", flat=True)
    ) == ["ICP-KGZ", "KGZ-PRISON-REFORM", "KGZK50", "LEGAL-ADVISORY", "TKM-FARAP", "TREATNET"]


def test_aggregate_seizure_since_2008_in_kilograms_with_qualifier_and_period():
    (seizure,) = am.Seizure.objects.all()
    assert seizure.kind == "aggregate"
    assert (seizure.substance.slug, seizure.quantity, seizure.unit) == (
        "acetic-anhydride", Decimal("40"), "t"
    )
    assert seizure.quantity_kg == Decimal("40000")
    assert seizure.qualifier == "more_than"
    assert (seizure.year, seizure.end_year, seizure.date) == (2008, None, None)
    assert seizure.period_wording == "since the beginning of Operation TARCET in 2008"
    assert seizure.region == "countries neighbouring Afghanistan"
    assert seizure.country is None
    assert seizure.project.code == "TARCET"
    assert list(am.Seizure.objects.individual()) == []
    assert seizure.substance.density_kg_per_l == Decimal("1.08")


def test_contributions_with_donors_kinds_amounts_and_what_was_given():
    rows = sorted(
        (c.donor.slug, c.project.code, c.event.slug if c.event else None, c.kind,
         c.amount, c.currency, c.status, c.year)
        for c in dm.Contribution.objects.all()
    )
    assert rows == [
        ("canada", "TARCET", "operational-planning-course-2011-02", "cash", None, "", "received",
         None),
        ("european-union", "KGZ-PRISON-REFORM", None, "cash", None, "", "not_stated", None),
        ("kazakhstan", "KGZK50", None, "not_stated", None, "", "received", None),
        ("russian-federation", "KGZK50", None, "not_stated", None, "", "received", None),
        ("tika", "TKM-FARAP", "narcotic-detector-dogs-handover-turkmenistan-2011", "in_kind",
         None, "", "received", None),
        ("turkish-police-dog-training-center", "TKM-FARAP",
         "narcotic-detector-dogs-handover-turkmenistan-2011", "in_kind", None, "", "received",
         None),
        ("united-kingdom", "TARCET", "operational-planning-course-2011-02", "in_kind", None, "",
         "received", None),
        ("united-states", "KGZK50", None, "not_stated", None, "", "received", None),
    ]
    described = dict(
        dm.Contribution.objects.exclude(in_kind_description="").values_list(
            "key", "in_kind_description"
        )
    )
    # What TIKA and the dog training centre gave is said only as the text says it; the text does
    # not say what the United Kingdom gave.
    assert set(described) == {
        "tkm-farap-detector-dogs-tika", "tkm-farap-detector-dogs-turkish-police-dog-training-center"
    }
    assert all("two narcotic detector dogs" in text for text in described.values())
    assert set(dm.Contribution.objects.values_list("is_published", flat=True)) == {True}
    assert all(c.article_id for c in dm.Contribution.objects.all())


# --- Links ------------------------------------------------------------------------------------
# Besides django-countries' names: the names and adjectives the bulletin uses for countries.
COUNTRY_NAMES = {
    "RU": ["Russian Federation", "Russian"], "US": ["United States", "U.S."], "TR": ["Turkish"],
    "GB": ["British"], "FR": ["French"], "DE": ["German"], "JP": ["Japanese"], "PL": ["Polish"],
    "CA": ["Canadian"], "AF": ["Afghan"], "KG": ["Kyrgyz"],
}


def mentions(text, phrase):
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def test_each_article_links_every_record_named_in_it():
    missing = []
    for article in am.Article.objects.prefetch_related(
        "organisations", "people", "projects", "countries", "events"
    ):
        body = article.body
        linked = {
            "organisation": {o.slug for o in article.organisations.all()},
            "person": {p.slug for p in article.people.all()},
            "project": {p.code for p in article.projects.all()},
            "country": {c.code.code for c in article.countries.all()},
            "event": {e.slug for e in article.events.all()},
        }
        for o in am.Organisation.objects.all():
            named = (o.acronym and mentions(body, o.acronym)) or mentions(body, o.name)
            if named and o.slug not in linked["organisation"]:
                missing.append((article.slug, "organisation", o.slug))
        for p in am.Person.objects.all():
            if mentions(body, p.name.split()[-1]) and p.slug not in linked["person"]:
                missing.append((article.slug, "person", p.slug))
        for p in am.Project.objects.all():
            named = mentions(body, p.code) or mentions(body, p.title)
            if named and p.code not in linked["project"]:
                missing.append((article.slug, "project", p.code))
        for c in am.Country.objects.all():
            names = [countries.name(c.code.code), *COUNTRY_NAMES.get(c.code.code, [])]
            if any(mentions(body, n) for n in names) and c.code.code not in linked["country"]:
                missing.append((article.slug, "country", c.code.code))
        for e in am.Event.objects.all():
            if mentions(body, e.title) and e.slug not in linked["event"]:
                missing.append((article.slug, "event", e.slug))
    assert missing == []


def test_every_record_is_linked_from_an_article():
    """Every record exists because the bulletin names it: none is left unlinked."""
    for model, relation in [
        (am.Organisation, "articles"), (am.Person, "articles"), (am.Project, "articles"),
        (am.Event, "articles"), (am.Seizure, "articles"), (am.Country, "articles"),
    ]:
        unlinked = model.objects.filter(**{f"{relation}__isnull": True})
        assert list(unlinked) == [], model.__name__
    assert not dm.Contribution.objects.filter(article=None).exists()
