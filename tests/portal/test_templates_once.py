"""Markup written once (issue 12, point 6): money is printed by one tag
(``donors/templatetags/money_lines.py``, ``money_line``), in the same words on every page; the
event form's formset rows come from one include each, for the server's rows and for the
<template> the browser copies; django-simple-history's admin page is used as shipped, its one
style attribute allowed by hash rather than by a copy of the template."""

import base64
import datetime
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
import simple_history
from django.urls import reverse
from lxml import html as lxml_html

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
MONEY_TAG = re.compile(r"\{%\s*money_line\s")
# What formatting money with its US-dollar equivalent looks like in a template.
MONEY_MARKUP = {
    "the money tag": re.compile(r"\{%\s*money\s"),
    "the equivalent's class": re.compile(r"usd-equivalent"),
    "the approximately sign": re.compile("≈"),
    "a rate note": re.compile(r"rate_note|usd_month|usd_amount"),
}
# Single amounts that have no US-dollar equivalent to show, printed with the money tag alone.
PLAIN_AMOUNTS = {"activities/project_detail.html"}  # the project's budget


def templates():
    return {path.relative_to(TEMPLATES).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(TEMPLATES.rglob("*.html"))}


@pytest.mark.parametrize("kind", MONEY_MARKUP)
def test_money_is_formatted_only_by_the_money_line_tag(kind):
    found = sorted(name for name, text in templates().items()
                   if MONEY_MARKUP[kind].search(text))
    allowed = PLAIN_AMOUNTS if kind == "the money tag" else set()
    assert set(found) <= allowed, f"money formatted outside the money_line tag: {found}"


def test_every_page_that_prints_money_uses_the_tag():
    users = sorted(name for name, text in templates().items() if MONEY_TAG.search(text))
    assert users == ["donors/includes/contribution_cells.html",
                     "donors/includes/currency_figures.html", "home.html",
                     "includes/money_table.html"]


def test_the_plain_amounts_are_still_plain():
    """The exception above stays narrow: those templates print an amount, no equivalent."""
    for name in PLAIN_AMOUNTS:
        text = templates()[name]
        assert len(MONEY_MARKUP["the money tag"].findall(text)) == 1
        assert "USD" not in text


def rate(code, year, month, usd):
    factories.ExchangeRateFactory(currency=code, month=datetime.date(year, month, 1),
                                  usd_per_unit=Decimal(usd))


def amount_cells(page_html):
    tree = lxml_html.fromstring(page_html)
    return [" ".join(cell.text_content().split())
            for cell in tree.xpath('//td[@data-label="Amount"]')]


def test_a_contribution_and_the_totals_say_the_equivalent_in_the_same_words(client):
    rate("EUR", 2011, 3, "1.38")
    project = factories.ProjectFactory(code="TARCET")
    factories.ContributionFactory(project=project, amount=Decimal(50000), currency="EUR",
                                  date=datetime.date(2011, 3, 15))
    words = "EUR 50,000 ≈ USD 69,000, at the rate of March 2011"

    listed = client.get(reverse("donors:contribution_list")).content.decode()
    assert amount_cells(listed) == [words]
    figures = lxml_html.fromstring(listed).find_class("figure-card")
    assert words in " ".join(figures[0].text_content().split())
    home = lxml_html.fromstring(client.get(reverse("home")).content.decode())
    assert words in " ".join(home.get_element_by_id("figures-heading").getparent()
                             .text_content().split())
    # A detail page's contribution table gives the amount alone.
    detail = client.get(project.get_absolute_url()).content.decode()
    assert amount_cells(detail) == ["EUR 50,000"]


@pytest.mark.parametrize(("date", "year", "note"), [
    (datetime.date(2011, 5, 2), 2011, "no rate for GBP, May 2011"),
    (None, 2011, "no rate for GBP, July 2011"),
    (None, None, "no date for the GBP amount, so no rate"),
])
def test_a_missing_rate_is_named_alike_in_a_row_and_in_the_totals(client, date, year, note):
    factories.ContributionFactory(amount=Decimal(20000), currency="GBP", date=date, year=year)
    words = f"GBP 20,000 no US-dollar equivalent: {note}"
    listed = client.get(reverse("donors:contribution_list")).content.decode()
    assert amount_cells(listed) == [words]
    assert listed.count(f"no US-dollar equivalent: {note}") >= 2  # the row and the totals
    assert "USD 0" not in listed
    assert f"no US-dollar equivalent: {note}" in client.get(reverse("home")).content.decode()


def test_a_part_without_a_rate_is_named_with_the_part_converted(client):
    rate("EUR", 2011, 3, "1.5")
    factories.ContributionFactory(amount=Decimal(1000), currency="EUR",
                                  date=datetime.date(2011, 3, 1))
    factories.ContributionFactory(amount=Decimal(500), currency="EUR",
                                  date=datetime.date(2012, 1, 1))
    words = ("EUR 1,500 ≈ USD 1,500 for EUR 1,000 of it, at the rate of March 2011; "
             "no rate for EUR, January 2012")
    for url in (reverse("home"), reverse("donors:contribution_list")):
        page = " ".join(lxml_html.fromstring(client.get(url).content.decode())
                        .text_content().split())
        assert words in page, url


# --------------------------------------------------------------------------------------------
# The event form's rows
# --------------------------------------------------------------------------------------------
def field_names(row, index):
    """The row's form fields, with the form number written as N."""
    return sorted(re.sub(rf"-{index}-", "-N-", element.get("name"))
                  for element in row.xpath(".//input|.//select|.//textarea"))


@pytest.mark.parametrize("prefix", ["trainers", "part", "new"])
def test_the_row_template_is_the_server_row_rendered_from_the_empty_form(
    officer_client, prefix
):
    event = factories.EventFactory()
    factories.EventTrainerOrganisationFactory(event=event)
    factories.ParticipationFactory(event=event)
    page = officer_client.get(reverse("activities:event_update", args=[event.slug]))
    tree = lxml_html.fromstring(page.content.decode())
    server_rows = tree.xpath(f'//*[@data-formset="{prefix}"]/*[contains(@class, "formset-row")]')
    template = tree.get_element_by_id(f"{prefix}-template")
    # lxml reads a <template>'s content as its children.
    template_rows = template.xpath('./*[contains(@class, "formset-row")]')
    assert server_rows and len(template_rows) == 1
    expected = field_names(server_rows[0], 0)
    assert expected and field_names(template_rows[0], "__prefix__") == expected
    assert template_rows[0].get("class") == server_rows[0].get("class")
    # The labels the browser will show are the server's too.
    labels = [" ".join(label.text_content().split()) for label in server_rows[0].iter("label")]
    assert [" ".join(label.text_content().split())
            for label in template_rows[0].iter("label")] == labels


ROW_INCLUDES = {
    "trainers": "activities/includes/event_form_trainer_row.html",
    "part": "activities/includes/event_form_participation_row.html",
    "new": "activities/includes/event_form_new_participant_row.html",
}


@pytest.mark.parametrize("prefix", ROW_INCLUDES)
def test_each_row_is_written_once_for_the_server_and_the_browser(prefix):
    """The form's own template draws no row field: each formset's rows and its <template> are
    the one include."""
    form = templates()["activities/event_form.html"]
    assert form.count(f'{{% include "{ROW_INCLUDES[prefix]}"') == 2
    template = re.search(rf'<template id="{prefix}-template">(.*?)</template>', form, re.S)
    assert template and ROW_INCLUDES[prefix] in template.group(1)
    assert "empty_form" in template.group(1)
    assert not re.search(r"(trainer_links|participations|new_participants)\.empty_form\.", form)


# --------------------------------------------------------------------------------------------
# django-simple-history's admin page under the Content-Security-Policy
# --------------------------------------------------------------------------------------------
SHIPPED_HISTORY = (Path(simple_history.__file__).parent
                   / "templates/simple_history/object_history_list.html")


def test_the_history_list_template_is_django_simple_historys_own():
    assert not (TEMPLATES / "simple_history").exists()
    assert 'style="border-top: 0"' in SHIPPED_HISTORY.read_text(encoding="utf-8")


def test_the_policy_allows_that_one_style_attribute_and_nothing_else_inline(client):
    digest = base64.b64encode(hashlib.sha256(b"border-top: 0").digest()).decode()
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in client.get("/")["Content-Security-Policy"].split(";")
    )
    assert policy["style-src-attr"] == f"'unsafe-hashes' 'sha256-{digest}'"
    assert policy["style-src"] == "'self'" and policy["script-src"] == "'self'"
    assert "unsafe-inline" not in " ".join(policy.values())


def test_the_admin_history_page_carries_the_shipped_attribute(admin_client):
    """The attribute the hash allows is the one the page sends (a change of django-simple-history
    would show here before a browser blocks it)."""
    event = factories.EventFactory()
    page = admin_client.get(reverse("admin:activities_event_history", args=[event.pk]))
    assert page.status_code == 200
    styles = re.findall(r'style="([^"]*)"', page.content.decode())
    assert styles == ["border-top: 0"]
