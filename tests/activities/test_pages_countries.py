"""The country pages (/countries/ and /countries/<code>/), for every role: a country's projects,
events, seizures and articles, its people's registrations as the events publish them, and every
country link of the bulletin's articles leading to a page with content or saying there is none."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from activities.models import Article, Participant
from tests import factories
from tests.bulletin.conftest import bulletin_data  # noqa: F401 (the real fixtures, once per module)
from tests.pages import ROLES, assert_no_personal_data, client_for, fresh_countries, register
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
NOTHING = "No events, seizures or projects are recorded for"


def page_of(code):
    return reverse("activities:country_detail", args=[code])


@pytest.fixture
def kyrgyzstan(db):
    kg = factories.CountryFactory(code="KG")
    named = factories.ProjectFactory(code="KGZK50", title="Support to the drug control agency")
    named.countries.add(kg)
    elsewhere = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    factories.EventFactory(title="Border liaison workshop", country=kg, projects=[elsewhere],
                           kind="workshop")
    factories.SeizureFactory(country=kg, quantity=Decimal("12.5"), unit="kg",
                             substance=factories.SubstanceFactory(name="Heroin", slug="heroin"))
    article = factories.ArticleFactory(title="Kyrgyz dog handlers graduate")
    article.countries.add(kg)
    factories.ArticleFactory(title="A draft about Kyrgyzstan",
                             status=Article.Status.DRAFT).countries.add(kg)
    # Demo records, seen by demo accounts only.
    factories.EventFactory(title="Demo — Osh seminar", country=kg, is_demo=True)
    factories.ProjectFactory(code="DEMO1", title="Demo project", is_demo=True).countries.add(kg)
    return kg


@pytest.mark.parametrize("role", ROLES)
def test_country_page_lists_its_records_for_every_role(role, client, request, kyrgyzstan):
    client = client_for(role, client, request)
    response = client.get(page_of("KG"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kyrgyzstan</h1>" in html
    # A project naming the country, and one whose event is held there.
    assert "KGZK50" in html and "TARCET" in html
    assert "Border liaison workshop" in html
    assert "Heroin" in html and 'id="seizure-totals-table"' in html
    assert "Kyrgyz dog handlers graduate" in html
    assert ("A draft about Kyrgyzstan" in html) is (role == "admin")
    assert "Demo" not in html
    assert NOTHING not in html
    # The lists link on to the filtered list pages.
    assert f'href="{reverse("activities:event_list")}?country=KG"' in html
    assert f'href="{reverse("activities:seizure_list")}?country=KG"' in html
    for name in ("event_list", "seizure_list", "project_list", "article_list"):
        assert response.context[name.removesuffix("_list") + "s"].url == (
            f"{reverse('activities:' + name)}?country=KG"
        )


def test_demo_accounts_see_the_demo_records_of_the_country(demo_client, kyrgyzstan):
    html = demo_client.get(page_of("KG")).content.decode()
    assert "Demo — Osh seminar" in html and "DEMO1" in html


def test_a_country_with_no_records_says_so(client):
    factories.CountryFactory(code="TM")
    html = client.get(page_of("TM")).content.decode()
    assert f"{NOTHING} Turkmenistan yet." in html


def test_a_country_with_only_demo_records_says_so_to_visitors(client):
    factories.EventFactory(title="Demo — Ashgabat", country=factories.CountryFactory(code="TM"),
                           is_demo=True)
    html = client.get(page_of("TM")).content.decode()
    assert f"{NOTHING} Turkmenistan yet." in html
    assert "Ashgabat" not in html


def test_a_lower_case_code_is_sent_to_the_country_page(client, kyrgyzstan):
    response = client.get(page_of("kg"))
    assert response.status_code == 301
    assert response["Location"] == page_of("KG")


@pytest.mark.parametrize("code", ["XX", "KGZ", "zz", "Kyrgyzstan", "TM", "КГ", "a" * 300])
def test_an_unknown_code_gets_the_styled_404(client, kyrgyzstan, code):
    response = client.get(page_of(code), follow=True)  # TM: a real code with no row
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_control_character_in_the_code_is_refused_not_an_error(client, kyrgyzstan):
    assert client.get(page_of("K\x00")).status_code == 400


def test_country_list_names_the_countries_with_visible_records_by_name(client, kyrgyzstan):
    factories.CountryFactory(code="TM")  # nothing recorded
    factories.EventFactory(country=factories.CountryFactory(code="AF"), is_demo=True)
    factories.ArticleFactory(status=Article.Status.DRAFT).countries.add(
        factories.CountryFactory(code="UZ"))
    factories.SeizureFactory(country=factories.CountryFactory(code="KZ"))
    response = client.get(reverse("activities:country_list"))
    assert response.status_code == 200
    assert [c.code.code for c in response.context["countries"]] == ["KZ", "KG"]  # by name
    html = response.content.decode()
    assert f'href="{page_of("KG")}"' in html and "projects, events, seizures, articles" in html


# --------------------------------------------------------------------------------------------
# Participants: the events' published figures for the country's group, added up
# --------------------------------------------------------------------------------------------
def figures_table(html, table_id):
    table = lxml_html.fromstring(html).get_element_by_id(table_id)
    rows = [[" ".join(cell.text_content().split()) for cell in tr.xpath("./th|./td")]
            for tr in table.find("tbody").iter("tr")]
    foot = [" ".join(cell.text_content().split()) for cell in table.find("tfoot").iter("th", "td")]
    return rows, " ".join(foot)


def test_participant_figures_add_up_what_the_event_pages_show(client):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    workshop = factories.EventFactory(kind="workshop", start_date=datetime.date(2015, 3, 1),
                                     end_date=None)
    register(workshop, 5, country=kg)
    register(workshop, 4, country=kz)
    course = factories.EventFactory(kind="training_course", start_date=datetime.date(2016, 5, 1),
                                     end_date=None)
    register(course, 7, country=kg)
    register(course, 6, country=kz)
    # Here the Kyrgyz group is 1: the event shows "fewer than 3"; 2016 and training courses
    # then read "not shown", and the headline counts the event as 1.
    small = factories.EventFactory(kind="training_course", start_date=datetime.date(2016, 9, 1),
                                     end_date=None)
    register(small, 1, country=kg)
    register(small, 5, country=kz)
    register(small, 6, country=factories.CountryFactory(code="TJ"))
    # Demo events count in no figure.
    register(factories.EventFactory(kind="workshop", is_demo=True), 9, country=kg)
    event_html = client.get(small.get_absolute_url()).content.decode()
    assert ["Kyrgyzstan", "fewer than 3"] in figures_table(event_html, "event-country-table")[0]

    response = client.get(page_of("KG"))
    html = response.content.decode()
    assert_no_personal_data(html)
    figures = response.context["participants"]
    assert (figures.exact, figures.events, figures.hidden_events) == (12, 3, 1)
    assert "at least 13" in html
    years, total = figures_table(html, "country-year-table")
    assert years == [["2015", "5"], ["2016", "not shown"]]
    assert total == "Total at least 13"
    kinds, _total = figures_table(html, "country-kind-table")
    assert kinds == [["Workshop", "5"], ["Training course", "not shown"]]


def test_events_withholding_their_breakdown_are_not_counted_nor_mentioned(client):
    kg = factories.CountryFactory(code="KG")
    # Two people in all: the event shows "fewer than 3" and no breakdown at all.
    register(factories.EventFactory(), 2, country=kg)
    html = client.get(page_of("KG")).content.decode()
    assert "published figures include people from Kyrgyzstan." in html
    assert 'id="country-year-table"' not in html


def test_participant_figures_never_name_a_person(client):
    kg = factories.CountryFactory(code="KG")
    register(factories.EventFactory(country=kg), 4, country=kg, sex=Participant.Sex.FEMALE)
    html = client.get(page_of("KG")).content.decode()
    assert_no_personal_data(html)
    assert figures_table(html, "country-year-table")[1] == "Total 4"


# --------------------------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_country_page_query_count_is_constant_and_within_budget(role, client, request):
    client = client_for(role, client, request)
    kg = factories.CountryFactory(code="KG")

    def add_rows(n):
        for _ in range(n):
            project = factories.ProjectFactory()
            project.countries.add(kg)
            event = factories.EventFactory(country=kg, projects=[project])
            register(event, 3, country=kg)
            factories.SeizureFactory(country=kg, project=project)
            factories.SeizureFactory(country=kg, kind="aggregate")
            factories.ArticleFactory().countries.add(kg)

    assert_constant_queries(client, page_of("KG"), add_rows, 15)


def test_country_list_query_count_is_constant_and_within_budget(client):
    def add_rows(n):
        for country in fresh_countries(n):
            factories.EventFactory(country=country)
            factories.ProjectFactory().countries.add(country)

    assert_constant_queries(client, reverse("activities:country_list"), add_rows, 15)


# --------------------------------------------------------------------------------------------
# The bulletin: every country link of every article leads somewhere
# --------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("bulletin_data")
def test_every_country_link_on_the_articles_leads_to_content_or_says_there_is_none(client):
    country_pages = reverse("activities:country_list")
    links = set()
    for article in Article.objects.published():
        html = client.get(article.get_absolute_url()).content.decode()
        tree = lxml_html.fromstring(html)
        links |= {a.get("href") for a in tree.iter("a")
                  if (a.get("href") or "").startswith(country_pages)
                  and a.get("href") != country_pages}
    assert links, "no article links a country"
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link
        html = response.content.decode()
        context = response.context
        has_content = any(context[name].rows for name in ("projects", "events", "seizures"))
        assert has_content or NOTHING in html, link
        assert has_content is (NOTHING not in html), link
        # The article that linked here is listed among those that mention the country.
        assert context["articles"].rows, link
