"""axe-core's WCAG 2.1 A/AA rules on the admin pages the portal customises and on /api/docs/
(issue 14, point 8): the index (in sections), the event change form with inline rows (trainer
organisations and participations: each field named by its column and its row), the bulletin's
(articles) and project's (contributions) forms with theirs, the changelists of events,
participants, contributions, projects and articles (whose status is edited in the list), and
Swagger UI once it has drawn the schema and answered a request."""

import pytest

from tests import factories
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import admin_sign_in, problems, watch_csp
from tests.engine import sqlite_only
from tests.pages import register

pytestmark = [pytest.mark.django_db(transaction=True),
              sqlite_only("the browser draws the HTML and CSS the pages send, the same whatever "
                          "engine holds the rows")]


@pytest.fixture
def event():
    kg = factories.CountryFactory(code="KG")
    project = factories.ProjectFactory(code="XACK29", title="Border liaison offices in Kyrgyzstan")
    event = factories.EventFactory(
        slug="border-liaison", title="Regional workshop on border liaison offices and the "
        "exchange of information between the law enforcement agencies of Central Asia",
        city="Bishkek", country=kg, projects=[project])
    factories.EventTrainerOrganisationFactory(event=event)
    factories.EventTrainerOrganisationFactory(event=event)
    register(event, 5, sex="female", country=kg)
    factories.ContributionFactory(project=project)
    return event


def test_the_admin_pages_the_portal_customises_pass_axe(page, live_server, event):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    article = factories.ArticleFactory()
    factories.ArticleFactory(bulletin=article.bulletin)
    watch_csp(page)
    admin_sign_in(page, "root")
    found = {}
    for path in (
        "/admin/",
        f"/admin/activities/event/{event.pk}/change/",
        "/admin/activities/event/add/",
        "/admin/activities/event/",
        "/admin/activities/participant/",
        "/admin/donors/contribution/",
        "/admin/activities/project/",
        "/admin/activities/article/",
        f"/admin/activities/bulletin/{article.bulletin.pk}/change/",
        f"/admin/activities/project/{event.projects.get().pk}/change/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # The page's own errors, before axe runs (axe's checks of a form's colours add a style
        # element of their own, which the policy refuses: that is the test tool, not the page).
        assert problems(page) == [], path
        found[path] = axe_violations(page)
        problems(page)  # cleared: what axe itself caused
    failing = {path: v for path, v in found.items() if v}
    assert not failing, "\n".join(f"{path}:\n{describe(v)}" for path, v in failing.items())


def test_a_participation_row_added_on_the_event_form_is_named_with_its_number(
        page, live_server, event):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    watch_csp(page)
    admin_sign_in(page, "root")
    page.goto(f"/admin/activities/event/{event.pk}/change/")
    assert page.locator("#id_participations-4-status").get_attribute("aria-label") == (
        "Status, row 5")
    page.locator("#participations-group .add-row a").click()
    status = page.locator("#id_participations-5-status")
    assert status.get_attribute("aria-label") == "Status, row 6"
    page.wait_for_timeout(200)  # the searchable select is named on the next frame
    assert page.get_by_role("combobox", name="Participant, row 6").count() == 1
    assert problems(page) == []
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_api_documentation_passes_axe_once_swagger_ui_has_drawn(page, live_server, event):
    watch_csp(page)
    page.goto("/api/docs/")
    page.wait_for_selector("#swagger-ui .opblock-tag")
    # An operation opened and tried out, as a reader does: its parameters, the request and the
    # answer drawn too.
    page.locator(".opblock-summary", has_text="/api/events/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    page.wait_for_timeout(200)  # the names are set on the next frame after Swagger UI draws
    assert problems(page) == []
    violations = axe_violations(page)
    assert not violations, describe(violations)
