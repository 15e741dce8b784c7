"""Open data that can be found (issue 14, point 4): every page's footer links to the open-data
page, the API documentation and the IATI file; /open-data/ explains each format with addresses
that work and shows the licence the office sets (never one it has not); the IATI file is served
as an XML document the browser shows or saves (its own policy: tests/browser/test_open_data.py)."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.querycount import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db

OPEN_DATA = reverse("open_data")
IATI = reverse("opendata:iati_activities")
FOOTER = re.compile(r"<footer.*?</footer>", re.S)


@pytest.fixture
def clients(client, django_user_model, roles, admin_user, officer_user, donor_user):
    """A fresh client per role (the same names as tests/access.py)."""
    from django.test import Client

    def signed_in(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return {"anonymous": signed_in(None), "donor": signed_in(donor_user),
            "officer": signed_in(officer_user), "admin": signed_in(admin_user)}


def footer_links(response):
    footer = FOOTER.search(response.content.decode()).group(0)
    return set(re.findall(r'href="([^"]+)"', footer))


@pytest.mark.parametrize("role", ["anonymous", "donor", "officer", "admin"])
def test_every_role_sees_the_open_data_page_and_the_footer_links(clients, role):
    event = factories.EventFactory()
    for url in (reverse("home"), event.get_absolute_url(), OPEN_DATA, "/no-such-page/"):
        response = clients[role].get(url)
        assert response.status_code in {200, 404}, url
        assert {OPEN_DATA, reverse("opendata:docs"), IATI} <= footer_links(response), url
    page = clients[role].get(OPEN_DATA).content.decode()
    assert "<h1>Open data</h1>" in page


def test_every_address_the_page_gives_answers(client):
    """The list pages, their CSV and XLSX downloads, the API, its schema and documentation and
    the IATI file: each link on the page (the footer's and the header's aside) opens."""
    html = client.get(OPEN_DATA).content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    links = set(re.findall(r'href="(/[^"]*)"', main))
    for name in ("project", "event", "seizure"):
        for fmt in ("csv", "xlsx"):
            assert reverse(f"activities:{name}_export", args=[fmt]) in links
    for fmt in ("csv", "xlsx"):
        assert reverse("donors:contribution_export", args=[fmt]) in links
    assert {reverse("opendata:api-root"), reverse("opendata:schema"), IATI} <= links
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_the_examples_are_whole_addresses_of_this_portal(client):
    html = client.get(OPEN_DATA).content.decode()
    assert ('curl -o events-kg.csv "http://testserver/events/export.csv?country=KG&amp;sort=title"'
            in html)
    assert '"http://testserver/api/events/?country=KG&amp;date_after=2011-01-01' in html
    assert ('curl -o unodc-central-asia-iati-activities.xml "http://testserver/iati/activities.xml"'
            in html)
    # The examples' filters are accepted (Kyrgyzstan is among the countries).
    factories.CountryFactory(code="KG")
    response = client.get("/api/events/?country=KG&date_after=2011-01-01&page_size=50")
    assert response.status_code == 200, response.content
    assert client.get("/events/export.csv?country=KG&sort=title").status_code == 200


def test_without_a_licence_set_the_page_says_so_and_names_none(client, settings):
    settings.OPEN_DATA_LICENCE = ""
    html = client.get(OPEN_DATA).content.decode()
    assert "The office has not yet set a licence for these data." in html
    assert "Creative Commons" not in html and "CC BY" not in html


def test_the_licence_the_office_sets_is_shown_with_its_link(client, settings):
    settings.OPEN_DATA_LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
    html = client.get(OPEN_DATA).content.decode()
    assert ('<a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution'
            ' 4.0 International (CC BY 4.0)</a>') in html
    assert "not yet set a licence" not in html
    settings.OPEN_DATA_LICENCE_URL = ""
    html = client.get(OPEN_DATA).content.decode()
    assert "<strong>Creative Commons Attribution 4.0 International (CC BY 4.0)</strong>" in html


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_the_open_data_page_reads_no_record(clients, role):
    """The page is text and addresses: the same queries (the session's and the header's) at 1
    and 30 records of each kind it describes, and none of those records read."""

    def add_rows(n):
        for _ in range(n):
            factories.ContributionFactory(event=factories.EventFactory())
            factories.SeizureFactory()

    assert_constant_queries(clients[role], OPEN_DATA, add_rows, budget=15)
    _, sql = count_queries(clients[role], OPEN_DATA)
    read = [q for q in sql if "activities_" in q or "donors_contribution" in q]
    assert read == [], read


def test_the_iati_file_is_xml_shown_inline_with_a_file_name(client):
    response = client.get(IATI)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        'inline; filename="unodc-central-asia-iati-activities.xml"')
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


def test_the_iati_files_policy_allows_the_xml_viewers_styles_and_nothing_else(client):
    """Chromium's XML viewer draws the tree with an inline style sheet, which the pages' policy
    (style-src 'self') refused; the file's own policy allows inline styles and data: images
    (its fold arrows), and no script, no
    connection, no frame, no form."""
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in client.get(IATI)["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["img-src"] == "data:"
    assert policy["frame-ancestors"] == "'none'"
    assert "script-src" not in policy and "connect-src" not in policy
    # Every other page keeps the portal's strict policy.
    page_policy = client.get(OPEN_DATA)["Content-Security-Policy"]
    assert "style-src 'self'" in page_policy and "unsafe-inline" not in page_policy


def test_favicon_ico_leads_to_the_portals_icon(client):
    """Browsers ask /favicon.ico for documents that name no icon (the IATI file)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert client.post("/favicon.ico").status_code == 405
