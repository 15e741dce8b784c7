"""The shared list-page mechanism, on every public list: pagination that forgives bad page
numbers, a page-size chooser, sorting from a whitelist, a capped search box, and the filter state
kept in every link. Bad input never gives a 500."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import get_template
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


# URL name -> (making n rows, the whitelisted sorts)
LISTS = {
    "activities:article_list": (factories.ArticleFactory.create_batch, ["date", "title"]),
    "activities:project_list": (factories.ProjectFactory.create_batch, ["code", "title", "start"]),
    "activities:event_list": (factories.EventFactory.create_batch, ["date", "title", "city"]),
    "activities:seizure_list": (factories.SeizureFactory.create_batch, ["date", "substance", "kg"]),
    "donors:donor_list": (factories.DonorFactory.create_batch, ["name", "kind"]),
    "donors:contribution_list": (
        factories.ContributionFactory.create_batch, ["year", "donor", "project", "amount"]
    ),
}
URL_NAMES = list(LISTS)


def get(client, name, **params):
    return client.get(reverse(name), params)


@pytest.mark.parametrize("name", URL_NAMES)
def test_list_paginates_with_the_chosen_page_size(client, name):
    LISTS[name][0](12)
    response = get(client, name, page_size=10)
    assert response.status_code == 200
    assert response.context["paginator"].per_page == 10
    assert len(response.context["page_obj"].object_list) == 10
    second = get(client, name, page_size=10, page=2)
    assert second.context["page_obj"].number == 2
    assert len(second.context["page_obj"].object_list) == 2
    assert "1\u201310 of 12" in response.content.decode()


@pytest.mark.parametrize("name", URL_NAMES)
def test_default_page_size_is_25(client, name):
    LISTS[name][0](26)
    response = get(client, name)
    assert response.context["paginator"].per_page == 25
    assert len(response.context["page_obj"].object_list) == 25
    assert 'value="25" selected' in response.content.decode()


@pytest.mark.parametrize("name", URL_NAMES)
def test_page_beyond_the_last_shows_the_last_page(client, name):
    LISTS[name][0](12)
    response = get(client, name, page_size=10, page=99)
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("page", ["-1", "0", "abc", "1.5", "", "99999999999999999999999"])
def test_malformed_page_shows_the_first_or_last_page(client, name, page):
    LISTS[name][0](12)
    response = get(client, name, page_size=10, page=page)
    assert response.status_code == 200
    expected = 2 if page == "99999999999999999999999" else 1
    assert response.context["page_obj"].number == expected


@pytest.mark.parametrize("name", URL_NAMES)
def test_unknown_page_size_is_a_form_error_and_the_default_is_used(client, name):
    LISTS[name][0](1)
    response = get(client, name, page_size=7)
    assert response.status_code == 200
    assert "page_size" in response.context["page_size_form"].errors
    assert response.context["paginator"].per_page == 25
    assert "7 is not one of the available choices" in response.content.decode()


@pytest.mark.parametrize("name", URL_NAMES)
def test_unknown_sort_is_a_form_error_not_a_500(client, name):
    LISTS[name][0](1)
    response = get(client, name, sort="password")
    assert response.status_code == 200
    assert "sort" in response.context["filter"].form.errors
    assert "password is not one of the available choices" in response.content.decode()
    assert list(response.context["page_obj"].object_list) == []


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_whitelisted_sort_works_both_ways(client, name):
    make, sorts = LISTS[name]
    make(3)
    for sort in sorts:
        up = get(client, name, sort=sort)
        down = get(client, name, sort=f"-{sort}")
        assert up.status_code == down.status_code == 200, sort
        assert not up.context["filter"].form.errors, sort
        assert len(up.context["page_obj"].object_list) == 3


@pytest.mark.parametrize("name", URL_NAMES)
def test_ten_thousand_character_search_is_refused_with_a_form_error(client, name):
    LISTS[name][0](1)
    response = get(client, name, q="x" * 10_000)
    assert response.status_code == 200
    assert "q" in response.context["filter"].form.errors
    assert "at most 200 characters" in response.content.decode()
    assert list(response.context["page_obj"].object_list) == []


@pytest.mark.parametrize("name", URL_NAMES)
def test_pagination_links_keep_the_filters(client, name):
    LISTS[name][0](12)
    response = get(client, name, page_size=10, q="", sort=LISTS[name][1][0])
    html = response.content.decode()
    assert f"sort={LISTS[name][1][0]}" in html
    assert "page=2" in html and "page_size=10" in html


@pytest.mark.parametrize("name", [n for n in URL_NAMES if n != "activities:article_list"])
def test_sort_header_links_keep_the_filters_and_go_back_to_page_one(client, name):
    LISTS[name][0](12)
    html = get(client, name, page=2, page_size=10, q="").content.decode()
    links = [unescape(href) for href in re.findall(r'class="sort-link" href="([^"]+)"', html)]
    assert links
    for href in links:
        params = parse_qs(urlsplit(href).query, keep_blank_values=True)
        assert params["page_size"] == ["10"] and "page" not in params
        assert params["sort"][0].lstrip("-") in LISTS[name][1]


@pytest.mark.parametrize("name", URL_NAMES)
def test_empty_list_says_so(client, name):
    response = get(client, name)
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "No " in response.content.decode()


@pytest.mark.parametrize("name", URL_NAMES)
def test_list_keeps_a_block_for_download_links(client, name):
    """The exports (next issue) fill the ``downloads`` block of the shared list layout."""
    response = get(client, name)
    assert "includes/list_page.html" in [t.name for t in response.templates]
    assert "{% block downloads %}" in get_template("includes/list_page.html").template.source


# --------------------------------------------------------------------------------------------
# The officers' pages page the same way, with the site's one pagination include
# --------------------------------------------------------------------------------------------
def test_the_site_has_one_pagination_include_and_every_paged_page_uses_it():
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        get_template("includes/pager.html")
    includes = set()
    for root in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(root).rglob("*.html"):
            includes |= set(re.findall(r'include "(includes/pag[a-z]*\.html)"', path.read_text()))
    assert includes == {"includes/pagination.html"}


def test_the_register_is_a_list_page_like_the_public_ones(officer_client):
    factories.ParticipantFactory.create_batch(12)
    response = officer_client.get(reverse("activities:participant_list"), {"page_size": 10})
    assert "includes/list_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<nav aria-label="Pages of participants"' in html
    assert 'aria-label="Page 2"' in html


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("-1", 1), ("2", 2), ("999", 2)])
def test_duplicate_review_pages_forgive_page_numbers(officer_client, page, shown):
    organisation = factories.OrganisationFactory()
    for i in range(30):  # more than 25 groups of two or more: two pages
        name = "Alisher " + "".join("bdfgklmnprstvz"[int(d)] for d in f"{i:03d}") + "ov"
        factories.ParticipantFactory(name=name, organisation=organisation)
        factories.ParticipantFactory(name=name.upper(), organisation=organisation)
    response = officer_client.get(reverse("activities:participant_duplicates"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    groups = response.context["groups"]
    assert len(groups) == len(response.context["page_obj"].object_list)
    assert (len(groups) == 25) if shown == 1 else (0 < len(groups) < 25)
    assert all(len(members) >= 2 for members in groups)
    assert '<nav aria-label="Pages of duplicates"' in response.content.decode()


def test_event_history_pages_participant_changes_forgivingly(officer_client):
    event = factories.EventFactory()
    factories.ParticipationFactory.create_batch(51, event=event)  # 51 changes: two pages of 50
    url = reverse("activities:event_history", args=[event.slug])
    for page, shown in [("abc", 1), ("999", 2)]:
        response = officer_client.get(url, {"page": page})
        assert response.status_code == 200
        assert response.context["participation_page"].number == shown
    html = officer_client.get(url).content.decode()
    assert '<nav aria-label="Pages of participant changes"' in html
    assert 'aria-label="Page 2"' in html


# Counting: exact up to a threshold, the planner's estimate above it (PostgreSQL)
# --------------------------------------------------------------------------------------------
def test_a_list_counts_exactly_up_to_the_threshold_then_says_about(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unodc_portal.core import lists

    monkeypatch.setattr(lists, "EXACT_COUNT_UP_TO", 5)
    factories.SeizureFactory.create_batch(4)
    page = client.get(reverse("activities:seizure_list")).content.decode()
    assert "4 seizures" in page and "about" not in page.split('id="result-count"')[1][:200]

    factories.SeizureFactory.create_batch(8)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("activities:seizure_list") + "?page_size=10").content.decode()
    counted = unescape(page.split('id="result-count">')[1].split("</p>")[0])
    if connection.vendor == "postgresql":
        # Counted up to 6 rows, then estimated: never a COUNT over every row.
        match = re.fullmatch(r"1\u201310 of about (\d+) seizures", counted)
        assert match and int(match.group(1)) >= 6, counted
        assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
    else:
        assert counted == "1\u201310 of 12 seizures"  # SQLite keeps no estimate: exact
