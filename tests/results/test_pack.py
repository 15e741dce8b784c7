"""The donor report pack (issue 16, point 5): what each role's pack holds, the period rule, the
PDF's pages (header, page numbers, Cyrillic, lists capped with "full list in the workbook"),
and bad input answered beside its field with no file made."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from results.models import Period
from tests import factories
from tests.access import MARKERS, PRIVATE_NAME
from tests.querycount import assert_constant_queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pack_url(for_donor, **query):
    url = reverse("pack:donor_report", args=[for_donor.slug])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content), read_only=True)


def sheet_rows(book, title):
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def column(book, title, header):
    header_row, *rows = sheet_rows(book, title)
    index = header_row.index(header)
    return [row[index] for row in rows]


def all_text(book) -> str:
    return "\n".join(
        "\t".join("" if value is None else str(value) for value in row)
        for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
    )


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def record(db, donor_user, other_donor_user):
    """A project with one donor's published and unpublished contributions, another donor's
    unpublished one, an event with private participants, a seizure, an article and a draft."""
    donor = donor_user.donor_account.donor
    other = other_donor_user.donor_account.donor
    project = factories.ProjectFactory(code="PACK1", title="Pack project")
    event = factories.EventFactory(title="Pack workshop", projects=[project])
    for n in range(4):
        factories.ParticipationFactory(
            event=event, participant=factories.ParticipantFactory(
                name=f"{PRIVATE_NAME} {n}", email=f"p{n}@private-participant.example"))
    seizure = factories.SeizureFactory(project=project, quantity=Decimal("12"), unit="kg")
    article = factories.ArticleFactory(title="Pack article")
    article.projects.add(project)
    draft = factories.ArticleFactory(title=MARKERS["draft"][0], slug="pack-draft",
                                     status="draft")
    draft.projects.add(project)
    own = [
        factories.ContributionFactory(donor=donor, project=project, key="own-published"),
        factories.ContributionFactory(
            donor=donor, project=project, key="own-unpublished", is_published=False,
            currency="ISK", amount=Decimal("777777.77")),
    ]
    foreign = factories.ContributionFactory(
        donor=other, project=project, key="other-unpublished", is_published=False,
        currency="NOK", amount=Decimal("555555.55"))
    return {"donor": donor, "other": other, "project": project, "event": event,
            "seizure": seizure, "article": article, "own": own, "foreign": foreign}


# --------------------------------------------------------------------------------------------
# Who gets what
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "expected"), [
    ("donor", {"own-published", "own-unpublished"}),
    ("officer", {"own-published"}),
    ("admin", {"own-published", "own-unpublished"}),
])
def test_each_role_s_workbook_lists_the_donor_s_contributions_it_may_see(
        role, expected, record, client, request):
    client.force_login(request.getfixturevalue(f"{role}_user"))
    book = workbook(client.get(pack_url(record["donor"], year=2011, format="xlsx")))
    assert set(column(book, "Contributions", "Key")) == expected
    text = all_text(book)
    # Never another donor's unpublished contribution, in any sheet, nor personal data.
    for marker in ("other-unpublished", "555555", "NOK", PRIVATE_NAME, "private-participant"):
        assert marker not in text, f"{role}'s pack shows {marker}"
    assert "Pack workshop" in column(book, "Events", "Title")
    assert "Pack article" in column(book, "Articles", "Headline")
    assert (MARKERS["draft"][0] in column(book, "Articles", "Headline")) == (role == "admin")
    assert column(book, "Seizures", "Quantity (kg)") == [12]


@pytest.mark.parametrize("role", ["donor", "officer", "admin"])
def test_each_role_s_pdf_holds_no_personal_data_nor_another_donor_s_unpublished_money(
        role, record, client, request):
    client.force_login(request.getfixturevalue(f"{role}_user"))
    text = "\n".join(pdf_pages(client.get(pack_url(record["donor"], year=2011, format="pdf"))))
    assert record["donor"].name in text
    assert "Pack workshop" in text
    for marker in ("555", "NOK", PRIVATE_NAME, "private-participant"):
        assert marker not in text, f"{role}'s PDF shows {marker}"
    assert ("ISK" in text) == (role in {"donor", "admin"})


def test_a_donor_asking_for_another_donor_s_pack_gets_the_same_404_as_an_unknown_donor(
        record, client, donor_user):
    client.force_login(donor_user)
    other = client.get(pack_url(record["other"], year=2011, format="xlsx"))
    unknown = client.get(reverse("pack:donor_report", args=["no-such-donor"]))
    assert other.status_code == unknown.status_code == 404
    assert record["other"].name not in other.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_and_other_accounts_refused(record, client):
    response = client.get(pack_url(record["donor"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(pack_url(record["donor"])).status_code == 403


def test_an_officer_choosing_another_donor_is_sent_to_that_donor_s_pack(
        record, officer_client):
    url = pack_url(record["donor"], donor=record["other"].slug, year=2011, format="pdf")
    response = officer_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(pack_url(record["other"]))


def test_a_donor_s_form_offers_no_donor_choice_and_an_officer_s_does(
        record, client, donor_user, officer_client):
    assert 'name="donor"' in officer_client.get(pack_url(record["donor"])).content.decode()
    client.force_login(donor_user)
    page = client.get(pack_url(record["donor"])).content.decode()
    assert 'name="year"' in page and 'name="donor"' not in page


def test_the_form_page_runs_the_same_queries_however_many_donors(record, officer_client):
    assert_constant_queries(
        officer_client, pack_url(record["donor"]),
        lambda n: factories.DonorFactory.create_batch(n), budget=15)


# --------------------------------------------------------------------------------------------
# The period
# --------------------------------------------------------------------------------------------
def test_a_year_only_contribution_counts_in_its_year_but_not_in_a_quarter(
        record, client, admin_user):
    factories.ContributionFactory(donor=record["donor"], project=record["project"],
                                  key="year-only", date=None, year=2011)
    client.force_login(admin_user)
    year = workbook(client.get(pack_url(record["donor"], year=2011, format="xlsx")))
    assert "year-only" in column(year, "Contributions", "Key")
    quarter = workbook(client.get(pack_url(record["donor"], year=2011, quarter=2,
                                           format="xlsx")))
    keys = column(quarter, "Contributions", "Key")
    assert "year-only" not in keys and "own-published" in keys
    assert "year only, not placed" in all_text(quarter)
    # Dates outside the period leave the record out.
    later = workbook(client.get(pack_url(record["donor"], start="2011-05-01",
                                         end="2011-12-31", format="xlsx")))
    assert column(later, "Contributions", "Key") == []


def test_indicator_progress_shows_approved_actuals_and_pending_ones_to_admins_only(
        record, client, donor_user, admin_user):
    indicator = factories.IndicatorFactory(result__project=record["project"],
                                           title="Officers trained in profiling")
    factories.PeriodFactory(indicator=indicator, target=Decimal("40"), actual=Decimal("30"),
                            actual_status=Period.Status.APPROVED)
    pending = factories.IndicatorFactory(result__project=record["project"],
                                         title="Pending indicator")
    factories.PeriodFactory(indicator=pending, actual=Decimal("987"),
                            actual_status=Period.Status.PENDING)
    client.force_login(donor_user)
    rows = sheet_rows(workbook(client.get(pack_url(record["donor"], year=2011,
                                                   format="xlsx"))), "Indicators")
    trained = next(row for row in rows if "Officers trained in profiling" in row)
    assert trained[7:10] == [40, 30, 75]
    assert "987" not in str(rows)
    client.force_login(admin_user)
    rows = sheet_rows(workbook(client.get(pack_url(record["donor"], year=2011,
                                                   format="xlsx"))), "Indicators")
    assert "987" in str(rows)


# --------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------
def test_long_lists_stop_at_50_rows_in_the_pdf_and_the_workbook_has_every_row(
        record, client, admin_user):
    for n in range(60):
        factories.ContributionFactory(donor=record["donor"], project=record["project"],
                                      key=f"many-{n:02d}", date=datetime.date(2011, 6, 1))
    client.force_login(admin_user)
    book = workbook(client.get(pack_url(record["donor"], year=2011, format="xlsx")))
    assert len(column(book, "Contributions", "Key")) == 62
    pages = pdf_pages(client.get(pack_url(record["donor"], year=2011, format="pdf")))
    text = "\n".join(pages)
    assert "full list in the workbook" in text
    # The list printed: 50 rows of the project's contributions (each row names the project).
    listed = text.split("Contributions in the period", 1)[1].split("Projects and their", 1)[0]
    assert listed.count("PACK1") == 50
    # Every page: its number of the total, the donor, the period and the date of generation.
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert record["donor"].name in page and "2011" in page and "Generated" in page


def test_a_russian_pack_is_written_in_cyrillic(record, client, admin_user):
    record["donor"].name = "Донор Альфа"
    record["donor"].save()
    client.force_login(admin_user)
    url = "/ru" + pack_url(record["donor"], year=2011, format="pdf")
    text = "\n".join(pdf_pages(client.get(url)))
    assert "Донор Альфа" in text
    # Dates written the Russian way (Django's own catalogue): a month's name in Cyrillic.
    assert re.search(r"\d+ (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|"
                     r"октября|ноября|декабря)", text)


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "field", "message"), [
    ({"start": "2011-06-01", "end": "2011-01-01", "format": "pdf"}, "end",
     "The period cannot end before it starts."),
    ({"year": "3000", "format": "xlsx"}, "year", "Give a year between 1990 and"),
    ({"start": "0001-01-01", "end": "2011-01-01", "format": "pdf"}, "start",
     "Give a date between 1990 and"),
    ({"start": "2011-02-30", "end": "2011-03-01", "format": "pdf"}, "start",
     "Enter a valid date."),
    ({"quarter": "2", "format": "pdf"}, "year", "Give the year of the quarter."),
    ({"year": "2011", "start": "2011-01-01", "format": "pdf"}, "year",
     "Give a year or two dates, not both."),
    ({"start": "2011-01-01", "format": "pdf"}, "end", "Give the last day too."),
    ({"year": "2011", "format": "docx"}, "format", "Select a valid choice."),
    ({"year": "9" * 30, "format": "pdf"}, "year", "Give a year between 1990 and"),
])
def test_bad_input_is_explained_beside_its_field_and_no_file_is_made(
        query, field, message, record, officer_client):
    response = officer_client.get(pack_url(record["donor"], **query))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors


def test_an_unknown_donor_chosen_in_the_form_is_explained_beside_the_field(
        record, officer_client):
    response = officer_client.get(pack_url(record["donor"], donor="no-such-donor", year=2011,
                                           format="pdf"))
    assert response["Content-Type"].startswith("text/html")
    assert "donor" in response.context["form"].errors


@pytest.mark.parametrize("value", [
    "x\x7f'; DROP TABLE donors_donor; --", "9" * 400, "<script>", "2011-13-45", "١٢٣"])
def test_hostile_values_in_every_field_get_the_form_back_never_a_server_error(
        value, record, officer_client):
    for name in ("donor", "year", "quarter", "start", "end", "format"):
        query = {"year": "2011", "format": "pdf", name: value}
        response = officer_client.get(pack_url(record["donor"]), query)
        assert response.status_code == 200, (name, value)
        assert response["Content-Type"].startswith("text/html"), (name, value)
        assert "<script>" not in response.content.decode().split("<main", 1)[-1]


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_pack_runs_the_same_queries_at_1_and_at_30_rows_of_every_list(
        fmt, record, client, admin_user):
    """Contributions, events, seizures and articles of the project: the same queries however
    many (the indicators cost a fixed number per project, not per row)."""
    def add_rows(n):
        for _ in range(n):
            factories.ContributionFactory(donor=record["donor"], project=record["project"])
            factories.EventFactory(projects=[record["project"]])
            factories.SeizureFactory(project=record["project"])
            factories.ArticleFactory().projects.add(record["project"])

    client.force_login(admin_user)
    assert_constant_queries(client, pack_url(record["donor"], year=2011, format=fmt),
                            add_rows, budget=40)


def test_a_year_only_date_prints_as_the_year_not_a_grouped_number():
    import datetime as dt

    from results.pack_pdf import when

    assert when(None, 2011) == "2011"
    assert when(None, "late April", 2011) == "late April"
    assert when(dt.date(2011, 4, 2), "late April", 2011) == dt.date(2011, 4, 2)
    assert when(None, "", None) == ""


def test_an_account_makes_at_most_its_hourly_packs_then_is_told_to_wait(
        record, client, donor_user, officer_user, settings):
    """Each pack costs seconds of a worker at scale: an account's packs are counted (in the
    shared throttle table), and the one over the limit is a 429 with the form saying why and no
    file; another account keeps its own count."""
    settings.REPORT_PACK_LIMIT_PER_USER = 2
    client.force_login(donor_user)
    url = pack_url(record["donor"], year=2011, format="pdf")
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    assert "the most an account may make" in refused.content.decode()
    client.get(pack_url(record["donor"]))  # the form itself is not counted
    client.force_login(officer_user)
    assert client.get(url).status_code == 200
