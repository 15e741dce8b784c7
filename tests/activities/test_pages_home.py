"""The home page: headline figures computed from the records, latest articles, charts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Article, Seizure
from tests import factories
from tests.pages import ROLES, assert_no_personal_data, client_for, fresh_countries, register
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
HOME = reverse("home")


@pytest.fixture
def records(db):
    kg = factories.CountryFactory(code="KG")
    tarcet = factories.ProjectFactory(code="TARCET")
    factories.ProjectFactory(code="KGZK50")
    course = factories.EventFactory(reported_participants=18, projects=[tarcet])
    factories.EventFactory(reported_participants=41, reported_participants_wording="over forty one")
    register(course, 10, sex="male", country=kg)
    register(course, 4, sex="female", country=factories.CountryFactory(code="KZ"))
    heroin = factories.SubstanceFactory(name="Heroin")
    factories.SeizureFactory(substance=heroin, quantity=Decimal("12.5"), unit="kg")
    factories.SeizureFactory(substance=heroin, quantity=Decimal("40"), unit="t",
                             kind=Seizure.Kind.AGGREGATE, date=None, year=2008,
                             period_wording="since 2008")
    for amount, currency, published in [("3000000", "EUR", True), ("250000", "USD", True),
                                        ("999", "CAD", False)]:
        factories.ContributionFactory(project=tarcet, amount=Decimal(amount), currency=currency,
                                      is_published=published)
    factories.ArticleFactory(title="Planning for success", start_date=datetime.date(2011, 2, 21))
    factories.ArticleFactory(title="Hidden draft", status=Article.Status.DRAFT)


@pytest.mark.parametrize("role", ROLES)
def test_home_shows_figures_computed_from_records(role, client, request, records):
    response = client_for(role, client, request).get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    context = response.context
    assert (context["project_count"], context["event_count"]) == (2, 2)
    assert context["participants"].total_shown == "14"
    assert "registrations at 1 event</p>" in html
    assert [(c.label, c.shown) for c in context["participants"].by_sex.cells] == [
        ("Male", "10"), ("Female", "4"),
    ]
    assert (context["reported"].total, context["reported"].events) == (59, 2)
    assert "12.5 kg" in html  # individual seizures only, the aggregate figure beside them
    assert "Heroin: 40 tonnes</a>, since 2008" in html
    assert "40,012.5" not in html
    assert "EUR 3,000,000" in html and "USD 250,000" in html and "3,250,000" not in html
    assert ("CAD 999" in html) is (role == "admin")
    assert "Planning for success" in html
    assert ("Hidden draft" in html) is (role == "admin")
    if role in {"anonymous", "donor"}:
        assert_no_personal_data(html)


def test_home_charts_come_through_json_script_with_tables(client, records):
    html = client.get(HOME).content.decode()
    for chart in ("home-seizures-chart", "home-contributions-chart", "home-sex-chart",
                  "home-country-chart"):
        assert f'data-chart="{chart}-data"' in html, chart
        assert f'id="{chart}-data" type="application/json"' in html, chart
    assert html.count("<table") >= 4
    assert "<script>" not in html and 'style="' not in html and " onclick=" not in html


def test_home_protects_small_groups_of_participants(client):
    """The home page adds up what event pages show: a group an event hides ("fewer than 3" or
    "not shown" there) is "not shown" here, with no number."""
    event = factories.EventFactory()
    register(event, 9, sex="male", country=factories.CountryFactory(code="KG"))
    register(event, 1, sex="female", country=factories.CountryFactory(code="TJ"))
    html = client.get(HOME).content.decode()
    assert "Female: not shown · Male: not shown" in html
    assert "fewer than 3" not in html.split('id="figures-heading"')[1].split("</ul>")[0]
    assert_no_personal_data(html)


def test_home_counts_registrations_over_events_and_says_at_least_for_small_ones(client):
    """A person at two events counts twice; an event of fewer than 3 counts as at least 1 and
    is in no breakdown."""
    kg = factories.CountryFactory(code="KG")
    first, second, small = (factories.EventFactory() for _ in range(3))
    people = register(first, 4, sex="male", country=kg)
    for participation in people[:3]:
        factories.ParticipationFactory(event=second, participant=participation.participant)
    register(small, 2, sex="female", country=kg)
    response = client.get(HOME)
    html = response.content.decode()
    figures = response.context["participants"]
    assert (figures.exact, figures.small_events, figures.events) == (7, 1, 3)
    assert "<p class=\"figure-value mb-0\">at least 8</p>" in html
    assert "registrations at 3 events</p>" in html
    assert "1 of them with fewer than 3 registrations, each counted here as 1" in html
    assert [(c.label, c.shown) for c in figures.by_sex.cells] == [("Male", "7")]
    assert figures.by_country.caption == (
        "By country: registrations at 2 events (not counted: 1 event showing no breakdown "
        "this way)"
    )
    assert figures.by_country.total_shown == "7"


def test_home_with_no_records_still_renders(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert "No articles are published yet." in response.content.decode()


def test_home_query_count_is_constant(client):
    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            event = factories.EventFactory(reported_participants=10, country=countries[i])
            register(event, 3, country=countries[i])
            factories.SeizureFactory(date=datetime.date(2000 + i, 1, 1))
            factories.SeizureFactory(kind=Seizure.Kind.AGGREGATE, date=None, year=2000 + i)
            factories.ContributionFactory(currency=["USD", "EUR"][i % 2],
                                          date=datetime.date(2000 + i, 1, 1))
            factories.ArticleFactory()

    assert_constant_queries(client, HOME, add_rows, 15)
