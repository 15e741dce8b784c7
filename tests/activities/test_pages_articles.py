"""The articles list and the article page, for every role."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Article
from tests import factories
from tests.pages import ROLES, client_for, fresh_countries
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("activities:article_list")


def titles(response):
    return [article.title for article in response.context["page_obj"].object_list]


@pytest.fixture
def published(db):
    return factories.ArticleFactory(
        title="Planning for success", kicker="A meeting of minds", section="workshop",
        body="The training course ran from the 21st to the 25th of February.\n\nSecond part.",
    )


@pytest.fixture
def draft(db):
    return factories.ArticleFactory(title="Unfinished draft", status=Article.Status.DRAFT)


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_published_articles_with_excerpt_and_drafts_only_to_admins(
    role, client, request, published, draft
):
    response = client_for(role, client, request).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Planning for success" in html and "A meeting of minds" in html
    assert "The training course ran from the 21st" in html
    assert "Second part." not in html  # an excerpt of the first paragraph, not the body
    assert ("Unfinished draft" in html) is (role == "admin")


@pytest.mark.parametrize("role", ROLES)
def test_article_page_for_every_role(role, client, request, published, draft):
    client = client_for(role, client, request)
    page = client.get(published.get_absolute_url())
    assert page.status_code == 200
    assert "A meeting of minds" in page.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == (200 if role == "admin" else 404)


def test_unknown_article_gets_the_styled_404(client):
    response = client.get(reverse("activities:article_detail", args=["no-such-article"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_article_page_shows_kicker_paragraphs_and_breadcrumbs(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    assert "<p>The training course ran from the 21st to the 25th of February.</p>" in html
    assert "<p>Second part.</p>" in html
    assert 'aria-label="Breadcrumb"' in html
    assert f'<a href="{LIST}">Articles</a>' in html
    assert "Workshop" in html


def test_article_page_links_to_every_record_it_mentions(client, published):
    project = factories.ProjectFactory(code="KGZK50")
    event = factories.EventFactory(title="Operational planning course")
    organisation = factories.OrganisationFactory(name="State Service on Drug Control")
    person = factories.PersonFactory(name="Steven Brown")
    seizure = factories.SeizureFactory()
    kyrgyzstan = factories.CountryFactory(code="KG")
    published.projects.add(project)
    published.events.add(event)
    published.organisations.add(organisation)
    published.people.add(person)
    published.seizures.add(seizure)
    published.countries.add(kyrgyzstan)
    donor = factories.DonorFactory(name="Canada")
    factories.ContributionFactory(donor=donor, article=published)
    html = client.get(published.get_absolute_url()).content.decode()
    for record in (project, event, organisation, person, seizure, donor, kyrgyzstan):
        assert f'href="{record.get_absolute_url()}"' in html, record
    assert 'href="/countries/KG/"' in html


@pytest.mark.parametrize(("role", "sees_donor"), [
    ("anonymous", False), ("officer", False), ("donor", True), ("admin", True),
])
def test_article_names_the_donor_of_an_unpublished_contribution_only_to_those_allowed(
    role, sees_donor, client, request, published
):
    donor_user = request.getfixturevalue("donor_user")
    own = donor_user.donor_account.donor
    factories.ContributionFactory(donor=own, article=published, is_published=False)
    html = client_for(role, client, request).get(published.get_absolute_url()).content.decode()
    assert (f'href="{own.get_absolute_url()}"' in html) is sees_donor


# --- filters -------------------------------------------------------------------------------
@pytest.fixture
def three_articles(db):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    tarcet = factories.ProjectFactory(code="TARCET")
    visit = factories.ArticleFactory(
        title="The Executive Director visits Kyrgyzstan", section="high_level_visit",
        start_date=None, year=2011, month=4, date_wording="late April",
        body="Yury Fedotov met the President.",
    )
    visit.countries.add(kg)
    course = factories.ArticleFactory(
        title="Planning for success", section="workshop",
        start_date=datetime.date(2011, 2, 21), end_date=datetime.date(2011, 2, 25),
        body="Operation TARCET and acetic anhydride.",
    )
    course.countries.add(kz)
    course.projects.add(tarcet)
    donors = factories.ArticleFactory(
        title="Donors establish a united front", section="conference",
        start_date=datetime.date(2011, 5, 5), body="Donor coordination in Ashgabat.",
    )
    return visit, course, donors


@pytest.mark.parametrize(("params", "expected"), [
    ({"section": "workshop"}, ["Planning for success"]),
    ({"country": "KG"}, ["The Executive Director visits Kyrgyzstan"]),
    ({"country": "kz"}, ["Planning for success"]),
    ({"project": "TARCET"}, ["Planning for success"]),
    ({"q": "anhydride"}, ["Planning for success"]),
    ({"q": "united front"}, ["Donors establish a united front"]),
    ({"q": "fedotov president"}, ["The Executive Director visits Kyrgyzstan"]),
    ({"date_after": "2011-04-01"},
     ["The Executive Director visits Kyrgyzstan", "Donors establish a united front"]),
    ({"date_before": "2011-03-31"}, ["Planning for success"]),
    ({"date_after": "2011-04-01", "date_before": "2011-04-30"},
     ["The Executive Director visits Kyrgyzstan"]),
    ({"date_after": "2011-02-24", "date_before": "2011-02-24"}, ["Planning for success"]),
])
def test_filters_narrow_the_articles(client, three_articles, params, expected):
    response = client.get(LIST, {**params, "sort": "title"})
    assert not response.context["filter"].form.errors
    assert titles(response) == sorted(expected)


@pytest.mark.parametrize(("params", "field"), [
    ({"section": "gossip"}, "section"),
    ({"country": "XX"}, "country"),
    ({"project": "NO-SUCH-CODE"}, "project"),
    ({"date_after": "abc"}, "date_after"),
    ({"date_before": "2011-02-30"}, "date_before"),
    ({"date_after": "2011-05-01", "date_before": "2011-01-01"}, "date_before"),
])
def test_malformed_filters_are_form_errors_beside_the_field(client, three_articles, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert f'id="id_{field}_error"' in response.content.decode()


def test_articles_sort_by_title_and_by_date(client, three_articles):
    by_title = titles(client.get(LIST, {"sort": "title"}))
    assert by_title == sorted(by_title)
    assert titles(client.get(LIST, {"sort": "-title"})) == by_title[::-1]
    assert titles(client.get(LIST, {"sort": "date"})) == [
        "Planning for success", "The Executive Director visits Kyrgyzstan",
        "Donors establish a united front",
    ]


def test_filtered_list_can_be_bookmarked(client, three_articles):
    """The filter state is the query string: the same URL gives the same page."""
    url = f"{LIST}?section=workshop&sort=-date&page_size=10"
    first, again = client.get(url), client.get(url)
    assert titles(first) == titles(again) == ["Planning for success"]
    assert 'value="workshop" selected' in first.content.decode()


# --- query budget --------------------------------------------------------------------------
def test_articles_list_query_count_is_constant_and_within_budget(client):
    count = assert_constant_queries(client, LIST, factories.ArticleFactory.create_batch, 15)
    assert count <= 15


def test_article_page_query_count_is_constant_and_within_budget(client):
    article = factories.ArticleFactory()

    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            article.projects.add(factories.ProjectFactory())
            article.events.add(factories.EventFactory(country=countries[i]))
            article.organisations.add(factories.OrganisationFactory())
            article.people.add(factories.PersonFactory())
            article.seizures.add(factories.SeizureFactory(country=countries[i]))
            article.countries.add(countries[i])
            factories.ContributionFactory(article=article)

    assert_constant_queries(client, article.get_absolute_url(), add_rows, 15)
