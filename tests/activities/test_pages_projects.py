"""The projects list and the project page, for every role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.models import Article
from tests import factories
from tests.pages import ROLES, client_for, fresh_countries
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("activities:project_list")


def codes(response):
    return [project.code for project in response.context["page_obj"].object_list]


@pytest.fixture
def projects(db):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    law = factories.ThemeFactory(slug="law-enforcement", name="Law enforcement")
    precursors = factories.ThemeFactory(slug="precursor-control", name="Precursor control")
    k50 = factories.ProjectFactory(
        code="KGZK50", title="Support to the State Service on Drug Control", status="ongoing",
        start_date=datetime.date(2011, 4, 28),
    )
    k50.countries.add(kg)
    k50.themes.add(law)
    tarcet = factories.ProjectFactory(
        code="TARCET", title="Operation TARCET", kind="operation", status="not_stated",
        start_year=2008,
    )
    tarcet.countries.add(kg, kz)
    tarcet.themes.add(precursors, law)
    icp = factories.ProjectFactory(
        code="ICP-KG", title="Integrated Country Programme", kind="programme", status="planned",
    )
    return k50, tarcet, icp


@pytest.mark.parametrize("role", ROLES)
def test_projects_list_and_page_for_every_role(role, client, request, projects):
    client = client_for(role, client, request)
    response = client.get(LIST)
    assert response.status_code == 200
    assert codes(response) == ["ICP-KG", "KGZK50", "TARCET"]
    page = client.get(projects[0].get_absolute_url())
    assert page.status_code == 200
    assert "Support to the State Service on Drug Control" in page.content.decode()


def test_unknown_project_code_gets_the_styled_404(client):
    response = client.get(reverse("activities:project_detail", args=["NOPE"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(("params", "expected"), [
    ({"country": "KZ"}, ["TARCET"]),
    ({"country": "kg"}, ["KGZK50", "TARCET"]),
    ({"theme": "law-enforcement"}, ["KGZK50", "TARCET"]),
    ({"theme": "precursor-control"}, ["TARCET"]),
    ({"status": "planned"}, ["ICP-KG"]),
    ({"kind": "operation"}, ["TARCET"]),
    ({"q": "kgzk"}, ["KGZK50"]),
    ({"q": "drug control"}, ["KGZK50"]),
    ({"country": "KG", "theme": "precursor-control", "kind": "operation"}, ["TARCET"]),
])
def test_filters_narrow_the_projects(client, projects, params, expected):
    response = client.get(LIST, params)
    assert not response.context["filter"].form.errors
    assert codes(response) == expected


def test_donor_filter_sees_only_contributions_the_visitor_may_see(client, projects, donor_user):
    k50, tarcet, _icp = projects
    canada = factories.DonorFactory(slug="canada")
    factories.ContributionFactory(donor=canada, project=k50)
    factories.ContributionFactory(donor=canada, project=k50)  # counted once
    factories.ContributionFactory(donor=canada, project=tarcet, is_published=False)
    assert codes(client.get(LIST, {"donor": "canada"})) == ["KGZK50"]
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    assert codes(client.get(LIST, {"donor": "canada"})) == ["KGZK50", "TARCET"]


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "finished-ish"}, "status"),
    ({"kind": "x"}, "kind"),
    ({"theme": "no-such-theme"}, "theme"),
    ({"donor": "no-such-donor"}, "donor"),
    ({"country": "Kyrgyzstan"}, "country"),
])
def test_malformed_project_filters_are_form_errors(client, projects, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors


def test_projects_sort_by_title_and_start(client, projects):
    assert codes(client.get(LIST, {"sort": "-code"})) == ["TARCET", "KGZK50", "ICP-KG"]
    assert codes(client.get(LIST, {"sort": "title"})) == ["ICP-KG", "TARCET", "KGZK50"]
    # Start: the day where known, else the year; unknown last.
    assert codes(client.get(LIST, {"sort": "start"}))[-1] == "ICP-KG"


def test_project_page_shows_its_records_and_links_back_to_articles(client, projects):
    k50, _tarcet, icp = projects
    k50.parent = icp
    k50.budget_amount, k50.budget_currency = Decimal("3000000"), "EUR"
    k50.save()
    child = factories.ProjectFactory(code="KGZK50-A", parent=k50)
    event = factories.EventFactory(title="Handover of detector dogs", projects=[k50])
    seizure = factories.SeizureFactory(project=k50)
    donor = factories.DonorFactory(name="Republic of Kazakhstan")
    factories.ContributionFactory(donor=donor, project=k50, amount=None, currency="")
    factories.ContributionFactory(project=k50, amount=Decimal("500"), currency="USD")
    factories.ContributionFactory(project=k50, amount=Decimal("700"), currency="EUR")
    article = factories.ArticleFactory(title="The Executive Director visits Kyrgyzstan")
    article.projects.add(k50)
    draft = factories.ArticleFactory(title="Secret draft", status=Article.Status.DRAFT)
    draft.projects.add(k50)
    html = client.get(k50.get_absolute_url()).content.decode()
    for record in (icp, child, event, seizure, donor, article):
        assert f'href="{record.get_absolute_url()}"' in html, record
    assert "EUR 3,000,000" in html  # budget
    assert "USD 500" in html and "EUR 700" in html and "USD 1,200" not in html
    assert "Secret draft" not in html
    assert 'aria-label="Breadcrumb"' in html


def test_project_page_shows_unpublished_contributions_only_to_their_donor_and_admins(
    client, projects, donor_user
):
    k50 = projects[0]
    own = donor_user.donor_account.donor
    factories.ContributionFactory(
        donor=own, project=k50, amount=Decimal("4321"), currency="GBP", is_published=False
    )
    assert "GBP 4,321" not in client.get(k50.get_absolute_url()).content.decode()
    client.force_login(donor_user)
    assert "GBP 4,321" in client.get(k50.get_absolute_url()).content.decode()


def test_project_page_lists_the_first_twenty_events_and_links_to_the_rest(client, projects):
    k50 = projects[0]
    factories.EventFactory.create_batch(21, projects=[k50])
    response = client.get(k50.get_absolute_url())
    assert len(response.context["events"].rows) == 20
    assert f'href="{reverse("activities:event_list")}?project=KGZK50"' in response.content.decode()


# --- query budget --------------------------------------------------------------------------
def test_projects_list_query_count_is_constant_and_within_budget(client):
    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            project = factories.ProjectFactory()
            project.countries.add(countries[i])
            project.themes.add(factories.ThemeFactory())

    assert_constant_queries(client, LIST, add_rows, 15)


def test_project_page_query_count_is_constant_and_within_budget(client):
    project = factories.ProjectFactory(parent=factories.ProjectFactory())

    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            project.countries.add(countries[i])
            project.themes.add(factories.ThemeFactory())
            project.implementers.add(factories.OrganisationFactory())
            project.beneficiaries.add(factories.OrganisationFactory())
            factories.ProjectFactory(parent=project)
            factories.EventFactory(projects=[project], country=countries[i])
            factories.ContributionFactory(project=project, event=factories.EventFactory())
            factories.SeizureFactory(project=project, country=countries[i])
            factories.ArticleFactory().projects.add(project)

    assert_constant_queries(client, project.get_absolute_url(), add_rows, 15)
