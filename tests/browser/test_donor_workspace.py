"""A donor in a real browser: signs in, filters its contributions by year, downloads the CSV and
finds its unpublished contribution in it. And the API documentation renders under the
Content-Security-Policy with no violation."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def donor_with_contributions(roles):
    account = factories.DonorAccountFactory(user__username="canada-donor",
                                            donor__name="Canada", donor__slug="canada")
    account.user.groups.add(roles["Donors"])
    project = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    factories.ContributionFactory(key="canada-2011-published", donor=account.donor,
                                  project=project, amount=Decimal(30000), currency="USD",
                                  date=datetime.date(2011, 2, 1))
    factories.ContributionFactory(key="canada-2010-unpublished", donor=account.donor,
                                  project=project, amount=Decimal(50000), currency="EUR",
                                  date=datetime.date(2010, 3, 15), is_published=False)
    factories.ContributionFactory(key="someone-else-unpublished", project=project,
                                  is_published=False)
    return account.user


def test_a_donor_filters_by_year_and_downloads_its_unpublished_contribution(
    page, live_server, donor_with_contributions
):
    page.goto("/accounts/login/?next=/my/contributions/")
    page.fill("#id_username", "canada-donor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/my/contributions/")
    assert page.locator("h1").inner_text() == "My contributions"
    assert page.locator("table.table-stack tbody tr").count() == 2

    page.select_option("#id_year", "2010")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"year=2010"))
    rows = page.locator("table.table-stack tbody tr")
    assert rows.count() == 1
    assert "Unpublished" in rows.first.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("contributions-")
    body = Path(download.path()).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Key"], r["Published"]) for r in records] == [("canada-2010-unpublished", "no")]
    assert "someone-else-unpublished" not in body
    assert page.console_errors == []


def test_the_api_documentation_renders_without_csp_violations(page, live_server):
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text
            and violations.append(msg.text))
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("contributions" in tag for tag in tags)
    assert violations == []
    assert page.console_errors == []
