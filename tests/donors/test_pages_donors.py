"""The donors list and the donor page: contributions the visitor may see, totals per currency."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.pages import ROLES, client_for, fresh_countries
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("donors:donor_list")


def names(response):
    return [donor.name for donor in response.context["page_obj"].object_list]


@pytest.fixture
def donors(db):
    canada = factories.DonorFactory(
        slug="canada", name="Canada", country=factories.CountryFactory(code="CA")
    )
    eu = factories.DonorFactory(slug="eu", name="European Union", kind="intergovernmental")
    tika = factories.DonorFactory(
        slug="tika", name="TIKA", kind="agency", country=factories.CountryFactory(code="TR"),
        organisation=factories.OrganisationFactory(name="Turkish Cooperation Agency"),
    )
    return canada, eu, tika


@pytest.mark.parametrize("role", ROLES)
def test_donor_list_and_page_for_every_role(role, client, request, donors):
    client = client_for(role, client, request)
    response = client.get(LIST)
    assert response.status_code == 200
    assert {"Canada", "European Union", "TIKA"} <= set(names(response))
    assert client.get(donors[0].get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "agency"}, ["TIKA"]),
    ({"country": "CA"}, ["Canada"]),
    ({"q": "union"}, ["European Union"]),
    ({"kind": "government", "country": "ca"}, ["Canada"]),
])
def test_filters_narrow_the_donors(client, donors, params, expected):
    response = client.get(LIST, params)
    assert not response.context["filter"].form.errors
    assert names(response) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "billionaire"}, "kind"), ({"country": "ZZ"}, "country"),
])
def test_malformed_donor_filters_are_form_errors(client, donors, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors


def test_donors_sort_by_name_and_kind(client, donors):
    assert names(client.get(LIST, {"sort": "-name"})) == ["TIKA", "European Union", "Canada"]
    assert names(client.get(LIST, {"sort": "kind"}))[0] == "TIKA"  # "agency" sorts first


@pytest.mark.parametrize(("role", "count"), [
    ("anonymous", 1), ("officer", 1), ("donor", 2), ("admin", 2),
])
def test_donor_list_counts_only_contributions_the_visitor_may_see(
    role, count, client, request, donor_user
):
    own = donor_user.donor_account.donor
    factories.ContributionFactory(donor=own)
    factories.ContributionFactory(donor=own, is_published=False)
    response = client_for(role, client, request).get(LIST, {"q": own.name})
    assert [d.contribution_count for d in response.context["page_obj"]] == [count]


@pytest.mark.parametrize(("role", "sees_unpublished"), [
    ("anonymous", False), ("officer", False), ("donor", True), ("admin", True),
])
def test_donor_page_shows_unpublished_contributions_only_to_that_donor_and_admins(
    role, sees_unpublished, client, request, donor_user
):
    own = donor_user.donor_account.donor
    project = factories.ProjectFactory(code="KGZK50")
    factories.ContributionFactory(donor=own, amount=Decimal("100"), currency="USD")
    factories.ContributionFactory(
        donor=own, project=project, amount=Decimal("2500"), currency="USD", is_published=False,
    )
    response = client_for(role, client, request).get(own.get_absolute_url())
    html = response.content.decode()
    assert ("USD 2,600" in html) is sees_unpublished  # the total per currency
    assert ("USD 100" in html) and ("Unpublished" in html) is sees_unpublished
    assert (f'href="{project.get_absolute_url()}"' in html) is sees_unpublished


def test_another_donors_unpublished_contributions_stay_hidden_from_a_donor(
    client, donor_user, donors
):
    canada = donors[0]
    factories.ContributionFactory(donor=canada, amount=Decimal("777"), currency="CAD",
                                  is_published=False)
    client.force_login(donor_user)
    assert "CAD 777" not in client.get(canada.get_absolute_url()).content.decode()
    assert "CAD 777" not in client.get(reverse("donors:contribution_list")).content.decode()


def test_donor_page_links_to_projects_organisation_and_articles(client, donors):
    tika = donors[2]
    dogs = factories.ContributionFactory(
        donor=tika, kind="in_kind", amount=None, currency="",
        in_kind_description="two narcotic detector dogs", article=factories.ArticleFactory(),
    )
    named = factories.ArticleFactory()
    named.organisations.add(tika.organisation)
    html = client.get(tika.get_absolute_url()).content.decode()
    for record in (dogs.project, tika.organisation, dogs.article, named):
        assert f'href="{record.get_absolute_url()}"' in html
    assert "two narcotic detector dogs" in html
    assert "without a stated amount" in html


def test_unknown_donor_gets_the_styled_404(client):
    response = client.get(reverse("donors:donor_detail", args=["nobody"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_donor_list_query_count_is_constant_and_within_budget(client):
    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            factories.ContributionFactory(donor=factories.DonorFactory(country=countries[i]))

    assert_constant_queries(client, LIST, add_rows, 15)


@pytest.mark.parametrize("role", ROLES)
def test_donor_page_query_count_is_constant_and_within_budget(role, client, request):
    donor = factories.DonorFactory(organisation=factories.OrganisationFactory())
    client = client_for(role, client, request)

    def add_rows(n):
        for i in range(n):
            factories.ContributionFactory(
                donor=donor, event=factories.EventFactory(), article=factories.ArticleFactory(),
                currency=["USD", "EUR", "GBP"][i % 3],
            )
            factories.ArticleFactory().organisations.add(donor.organisation)

    assert_constant_queries(client, donor.get_absolute_url(), add_rows, 15)
