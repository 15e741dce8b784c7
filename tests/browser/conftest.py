"""Real-browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Where Chromium is missing the tests are skipped with a message saying how to install it; with
CI=true a missing browser fails the run. A failing test leaves a screenshot of its last page in
test-artifacts/.
"""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories
from tests.pages import register

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = (
    f"Chromium not found at {CHROMIUM}. Install Debian's package to run the browser tests: "
    "sudo apt-get update && sudo apt-get install -y chromium"
)

# Playwright's sync API keeps an event loop in the test thread; the test's own ORM calls
# (factories, assertions) are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # The live server reads the database from another thread: data must be committed.
            # (A transactional test ends with a flush: tests that need the role groups use the
            # `roles` fixture, which recreates them.)
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context on the live server; console errors are collected in
    page.console_errors; a screenshot is saved when the test fails."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def bulletin():
    """A small bulletin: an article linked to a project, a training course (with 14 private
    participants whose names, e-mails and phones must never reach a public page, and a trainer),
    a second event, and a donor's published contribution; a seizure beside it."""
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    tarcet = factories.ProjectFactory(code="TARCET", title="Operation TARCET", kind="operation")
    course = factories.EventFactory(
        slug="operational-planning", title="Operational Planning for Law Enforcement Officers",
        kind="training_course", city="Almaty", country=kz, projects=[tarcet],
        reported_participants=18, reported_participants_wording="eighteen",
    )
    factories.EventFactory(title="Expert meeting in Bishkek", kind="expert_meeting",
                           city="Bishkek", country=kg, projects=[tarcet],
                           start_date=datetime.date(2011, 3, 10), end_date=None)
    register(course, 9, sex="male", country=kg)
    register(course, 5, sex="female", country=kz)
    trainer = factories.PersonFactory(slug="steven-brown", name="Steven Brown")
    course.trainers.add(trainer)
    article = factories.ArticleFactory(
        slug="planning-for-success", title="Planning for success", section="workshop",
        kicker="A meeting of minds", body="The training course was a unique opportunity.",
    )
    article.events.add(course)
    article.projects.add(tarcet)
    article.people.add(trainer)
    canada = factories.DonorFactory(name="Canada", slug="canada")
    factories.ContributionFactory(project=tarcet, donor=canada, article=article,
                                  amount=Decimal(30000), currency="USD",
                                  date=datetime.date(2011, 2, 1))
    factories.SeizureFactory(date=datetime.date(2011, 3, 1))
    return article
