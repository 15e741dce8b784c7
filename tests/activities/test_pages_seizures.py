"""The seizures list with its totals, and the seizure page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Seizure
from tests import factories
from tests.pages import ROLES, client_for, fresh_countries
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("activities:seizure_list")


def keys(response):
    return sorted(seizure.key for seizure in response.context["page_obj"].object_list)


@pytest.fixture
def seizures(db):
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    anhydride = factories.SubstanceFactory(
        slug="acetic-anhydride", name="Acetic anhydride", kind="precursor",
        density_kg_per_l=Decimal("1.08"),
    )
    tj, uz = factories.CountryFactory(code="TJ"), factories.CountryFactory(code="UZ")
    tarcet = factories.ProjectFactory(code="TARCET", kind="operation")
    factories.SeizureFactory(
        key="khorog", substance=heroin, quantity=Decimal("12.5"), unit="kg", country=tj,
        date=datetime.date(2011, 3, 1), place="Khorog", project=tarcet,
    )
    factories.SeizureFactory(
        key="osh", substance=heroin, quantity=Decimal("850"), unit="g", country=tj,
        date=datetime.date(2010, 11, 5),
    )
    factories.SeizureFactory(
        key="termez", substance=anhydride, quantity=Decimal("1000"), unit="L", country=uz,
        date=datetime.date(2011, 1, 20), project=tarcet,
    )
    factories.SeizureFactory(
        key="tablets", substance=heroin, quantity=Decimal("40"), unit="units", country=tj,
        date=datetime.date(2011, 2, 2),
    )
    factories.SeizureFactory(
        key="tarcet-total", kind=Seizure.Kind.AGGREGATE, substance=anhydride,
        quantity=Decimal("40"), unit="t", qualifier="more_than", date=None, year=2008,
        end_year=2011, period_wording="since 2008", country=None,
        region="countries neighbouring Afghanistan", project=tarcet,
    )


@pytest.mark.parametrize("role", ROLES)
def test_seizure_list_and_page_for_every_role(role, client, request, seizures):
    client = client_for(role, client, request)
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["paginator"].count == 5
    seizure = Seizure.objects.get(key="khorog")
    page = client.get(seizure.get_absolute_url())
    assert page.status_code == 200
    assert "Khorog" in page.content.decode()


def test_totals_add_individual_seizures_only_by_substance_and_year(client, seizures):
    totals = client.get(LIST).context["totals"]
    assert totals.years == [2010, 2011]
    by_name = {s.name: s for s in totals.substances}
    assert by_name["Heroin"].by_year == [Decimal("0.850"), Decimal("12.500")]
    assert by_name["Heroin"].total == Decimal("13.350")
    # 1,000 litres at 1.08 kg/L; the 40 tonnes reported since 2008 are not added in.
    assert by_name["Acetic anhydride"].total == Decimal("1080.000")
    assert [figure.key for figure in totals.aggregate_figures] == ["tarcet-total"]


def test_aggregate_figures_are_listed_beside_the_totals_with_qualifier_and_period(
    client, seizures
):
    html = client.get(LIST).content.decode()
    assert "Acetic anhydride: more than 40 tonnes" in html
    assert "since 2008 (2008\u20132011)" in html
    assert "countries neighbouring Afghanistan" in html
    assert "41,080" not in html and "40,000 kg" not in html.split("Totals reported")[0]


def test_seizures_without_kilograms_say_why(client, seizures):
    html = client.get(LIST).content.decode()
    assert "counted in units, which have no weight" in html
    tablets = Seizure.objects.get(key="tablets")
    page = client.get(tablets.get_absolute_url()).content.decode()
    assert "Not given: counted in units, which have no weight." in page


def test_litres_without_a_density_say_why(client):
    seizure = factories.SeizureFactory(
        substance=factories.SubstanceFactory(name="Solvent", density_kg_per_l=None),
        quantity=Decimal("30"), unit="L",
    )
    page = client.get(seizure.get_absolute_url()).content.decode()
    assert "measured in litres and the substance&#x27;s density is not known." in page


@pytest.mark.parametrize(("params", "expected"), [
    ({"substance": "heroin"}, ["khorog", "osh", "tablets"]),
    ({"country": "UZ"}, ["termez"]),
    ({"project": "TARCET"}, ["khorog", "tarcet-total", "termez"]),
    ({"kind": "aggregate"}, ["tarcet-total"]),
    ({"year_min": 2011}, ["khorog", "tablets", "tarcet-total", "termez"]),
    ({"year_max": 2010}, ["osh", "tarcet-total"]),
    ({"year_min": 2010, "year_max": 2010}, ["osh", "tarcet-total"]),
    ({"q": "khorog"}, ["khorog"]),
    ({"q": "anhydride"}, ["tarcet-total", "termez"]),
])
def test_filters_narrow_the_seizures_and_their_totals(client, seizures, params, expected):
    response = client.get(LIST, params)
    assert not response.context["filter"].form.errors
    assert keys(response) == expected
    totals = response.context["totals"]
    individual = [k for k in expected if k != "tarcet-total" and k != "tablets"]
    assert sum(s.seizures for s in totals.substances) == len(individual)


@pytest.mark.parametrize(("params", "field"), [
    ({"year_min": "abc"}, "year_min"),
    ({"year_max": "20111"}, "year_max"),
    ({"year_min": 2011, "year_max": 2009}, "year_max"),
    ({"kind": "huge"}, "kind"),
    ({"substance": "unobtainium"}, "substance"),
])
def test_malformed_seizure_filters_are_form_errors(client, seizures, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert keys(response) == []
    assert response.context["totals"].substances == []


def test_seizures_sort_by_kilograms_with_unknown_weights_last(client, seizures):
    response = client.get(LIST, {"sort": "-kg"})
    ordered = [s.key for s in response.context["page_obj"].object_list]
    assert ordered == ["tarcet-total", "termez", "khorog", "osh", "tablets"]
    assert [s.key for s in client.get(LIST, {"sort": "kg"}).context["page_obj"]][-1] == "tablets"


def test_unknown_seizure_gets_the_styled_404(client):
    for path in ("/seizures/999999/", "/seizures/abc/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_seizure_page_links_to_agency_project_and_articles(client, seizures):
    seizure = Seizure.objects.get(key="khorog")
    seizure.seizing_agency = factories.OrganisationFactory(name="Drug Control Agency")
    seizure.save()
    article = factories.ArticleFactory()
    article.seizures.add(seizure)
    html = client.get(seizure.get_absolute_url()).content.decode()
    for record in (seizure.seizing_agency, seizure.project, article):
        assert f'href="{record.get_absolute_url()}"' in html
    assert 'aria-label="Breadcrumb"' in html


def test_seizure_list_query_count_is_constant_and_within_budget(client):
    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            kind = Seizure.Kind.AGGREGATE if i % 2 else Seizure.Kind.INDIVIDUAL
            factories.SeizureFactory(
                kind=kind, country=countries[i], project=factories.ProjectFactory(),
                seizing_agency=factories.OrganisationFactory(),
                date=datetime.date(2000 + i, 1, 1),
            )

    assert_constant_queries(client, LIST, add_rows, 15)


def test_seizure_page_query_count_is_constant_and_within_budget(client):
    seizure = factories.SeizureFactory(
        project=factories.ProjectFactory(), seizing_agency=factories.OrganisationFactory()
    )
    assert_constant_queries(
        client, seizure.get_absolute_url(),
        lambda n: [factories.ArticleFactory().seizures.add(seizure) for _ in range(n)], 15,
    )


def test_kilograms_keep_the_qualifier_of_the_quantity(client, seizures):
    figure = Seizure.objects.get(key="tarcet-total")
    assert "more than 40,000 kg" in client.get(figure.get_absolute_url()).content.decode()
    assert "more than 40,000 kg" in client.get(LIST, {"kind": "aggregate"}).content.decode()


def test_only_the_first_aggregate_figures_are_listed_with_a_link_to_them_all(client):
    from activities.aggregates import AGGREGATE_FIGURES_SHOWN

    figures = factories.SeizureFactory.create_batch(
        AGGREGATE_FIGURES_SHOWN + 3, kind="aggregate", year=2010, end_year=2012)
    for url, start in ((reverse("activities:seizure_list") + "?country=", "aggregate-figures"),
                       (reverse("home"), "Reported over a period")):
        page = client.get(url).content.decode()
        block = page.split(start, 1)[1].split("</ul>", 1)[0]
        listed = [f for f in figures if f'"{f.get_absolute_url()}"' in block]
        assert len(listed) == AGGREGATE_FIGURES_SHOWN, url
        assert f"All {AGGREGATE_FIGURES_SHOWN + 3} totals reported over a period" in page
        assert "(3 more)" in page
        assert "kind=aggregate" in page
