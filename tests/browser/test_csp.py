"""The Content-Security-Policy allows no inline script or style: every page, as every role, must
render with no CSP violation and no console error — the portal's pages, the officers' forms and
history pages, the API documentation (Swagger UI) and the Django admin (changelists, change
forms with inlines and widgets, history pages, the delete confirmation).

The journeys (test_journeys.py) check the same on every page they pass through — home, article,
project, event, donor and events list; sign-in; workspace, event form with its scripts, import
page and preview; my contributions; the admin's login, index, changelist and change form with
autocomplete widgets — so the pages here are the others."""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from tests.browser.helpers import admin_sign_in, problems, sign_in, watch_csp
from tests.engine import sqlite_only

pytestmark = [pytest.mark.django_db(transaction=True),
              sqlite_only("the browser applies the policy to the HTML the pages send, the same "
                          "whatever engine holds the rows")]


@pytest.fixture
def records(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    donor = factories.DonorAccountFactory(user__username="canada", donor__slug="canada",
                                          donor__name="Canada")
    donor.user.groups.add(roles["Donors"])
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)

    kg = factories.CountryFactory(code="KG")
    agency = factories.OrganisationFactory(slug="ssdc", acronym="SSDC", country=kg)
    project = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    event = factories.EventFactory(slug="precursor-workshop", projects=[project], country=kg,
                                   reported_participants=12)
    first, second = (
        factories.ParticipationFactory(event=event, participant__organisation=agency,
                                       participant__name=name).participant
        for name in ("Aibek Asanov", "Aibek Asanow")
    )
    trainer = factories.PersonFactory(slug="steven-brown")
    event.trainers.add(trainer)
    seizure = factories.SeizureFactory(country=kg)
    article = factories.ArticleFactory(slug="planning-for-success")
    article.events.add(event)
    article.projects.add(project)
    factories.ContributionFactory(donor=donor.donor, project=project, event=event,
                                  article=article, amount=Decimal(30000))
    factories.ContributionFactory(donor=donor.donor, project=project, is_published=False,
                                  date=datetime.date(2010, 5, 1))
    return {
        "event": event, "project": project, "article": article, "seizure": seizure,
        "participants": (first, second), "trainer": trainer,
        "agency": agency, "donor": donor.donor, "bulletin": article.bulletin,
        "officer": officer,
    }


def visit_all(page, urls):
    """Each page, with the console errors and CSP violations it caused (an empty dict when
    there are none). ``ready``: a selector to wait for where a script draws the page."""
    found = {}
    for url, ready in urls:
        response = page.goto(url)
        if ready:
            page.locator(ready).first.wait_for()
        errors = problems(page, error_page=response.status >= 400)
        if errors:
            found[url] = errors
    return found


def test_no_page_breaks_the_content_security_policy_for_any_role(page, live_server, records):
    """One test for the four roles (each transactional test costs a database flush); the
    session cookie is dropped between roles."""
    watch_csp(page)
    r = records
    event, (first, second), seizure = r["event"], r["participants"], r["seizure"]
    found = {}

    # A visitor, and the API documentation.
    found["anonymous"] = visit_all(page, [
        ("/articles/", None), ("/projects/", None), ("/seizures/", None),
        (f"/seizures/{seizure.pk}/", None), ("/donors/", None),
        ("/contributions/", "canvas[data-chart]"),
        (f"/people/{r['trainer'].slug}/", None), (f"/organisations/{r['agency'].slug}/", None),
        ("/accounts/password/reset/", None), ("/no-such-page/", None),
        ("/api/docs/", ".opblock-tag"),
    ])
    # Swagger UI did render the operations (a blocked script would leave the page empty), and
    # trying one out (a request from the page, its answer drawn) breaks no rule either.
    assert "contributions" in " ".join(page.locator(".opblock-tag").all_inner_texts())
    page.locator(".opblock-summary", has_text="/api/events/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    found["anonymous /api/docs/ tried out"] = problems(page)

    sign_in(page, "canada")
    found["donor"] = visit_all(page, [
        ("/accounts/password/change/", None),
        ("/workspace/", None),  # 403: not an officer
    ])

    page.context.clear_cookies()
    sign_in(page, "olga")
    found["officer"] = visit_all(page, [
        (f"/events/{event.slug}/", None),  # with the participant list
        ("/participants/", None), (f"/participants/{first.pk}/", None),
        (f"/participants/{first.pk}/edit/", None), (f"/participants/{first.pk}/history/", None),
        ("/participants/duplicates/", None),
        (f"/participants/{first.pk}/merge/{second.pk}/", None),
        ("/seizures/new/", None), (f"/seizures/{seizure.pk}/edit/", None),
        (f"/seizures/{seizure.pk}/history/", None),
    ])

    page.context.clear_cookies()
    admin_sign_in(page, "root")
    article = r["article"]
    found["admin"] = visit_all(page, [
        ("/admin/activities/article/?status__exact=published&q=Article", None),
        (f"/admin/activities/article/{article.pk}/history/", None),
        (f"/admin/activities/bulletin/{r['bulletin'].pk}/change/", None),  # with an inline
        (f"/admin/activities/event/{event.pk}/change/", None),
        (f"/admin/activities/event/{event.pk}/history/", None),  # django-simple-history
        ("/admin/activities/historicalevent/", None),  # the audit log, with date hierarchy
        ("/admin/donors/contribution/", None),
        (f"/admin/auth/user/{r['officer'].pk}/change/", None),
        (f"/admin/activities/article/{article.pk}/delete/", None),
        ("/admin/no-such-page/", None),
    ])
    failures = [
        f"{role} {url}: {error}"
        for role, pages in found.items()
        for url, errors in (pages.items() if isinstance(pages, dict) else [("", pages)])
        for error in errors
    ]
    assert not failures, "\n".join(failures)


def test_the_admin_history_page_keeps_its_one_style_attribute_without_a_violation(
    page, live_server
):
    """django-simple-history's admin page is used as shipped: its paginator's
    style="border-top: 0" is allowed by its hash (settings' style-src-attr), so the style applies
    (the admin's stylesheet would draw a border) and nothing is reported."""
    watch_csp(page)
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    event = factories.EventFactory()
    admin_sign_in(page, "root")
    page.goto(f"/admin/activities/event/{event.pk}/history/")
    paginator = page.locator("p.paginator")
    assert paginator.get_attribute("style") == "border-top: 0"
    assert paginator.evaluate("(p) => getComputedStyle(p).borderTopWidth") == "0px"
    assert problems(page) == []
