"""CSV and XLSX exports of the list pages: exactly the rows the page's filters select (all pages
of them, in the page's order), the same columns in both formats, UTF-8 with a BOM, formula cells
neutralised, bad filters and too many rows sent back to the list page, participants for officers
only."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from activities.exports import PARTICIPANT_COLUMNS, PROJECT_COLUMNS
from donors.exports import CONTRIBUTION_COLUMNS
from tests import factories
from tests.pages import client_for
from unodc_portal.core.exports import csv_cell, csv_lines, neutralise

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "the CSV must start with a byte-order mark"
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def page_keys(client, url, key="pk"):
    """Every row the list page shows for ``url``, page after page, in order."""
    keys, page = [], 1
    while True:
        response = client.get(f"{url}&page={page}")
        assert response.status_code == 200
        keys += [getattr(row, key) for row in response.context["page_obj"].object_list]
        if not response.context["page_obj"].has_next():
            return keys
        page += 1


# --------------------------------------------------------------------------------------------
# The rows: exactly the filtered list
# --------------------------------------------------------------------------------------------
@pytest.fixture
def events(db):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    for n in range(13):
        factories.EventFactory(title=f"Training {n}", kind="training_course", country=kg,
                               start_date=datetime.date(2011, 1, n + 1), end_date=None)
    factories.EventFactory(title="Conference", kind="conference", country=kz)


def test_event_export_holds_every_page_of_the_filtered_list_in_its_order(client, events):
    query = "kind=training_course&sort=title&page_size=10&page=2"
    listed = page_keys(client, f"{reverse('activities:event_list')}?kind=training_course"
                               "&sort=title&page_size=10", key="slug")
    assert len(listed) == 13  # two pages on the list
    rows = csv_rows(client.get(f"{reverse('activities:event_export', args=['csv'])}?{query}"))
    assert rows[0][0] == "Key"
    assert [row[0] for row in rows[1:]] == listed  # page and page_size are ignored


def test_csv_and_xlsx_have_the_same_columns_and_rows(client, events):
    url = reverse("activities:event_export", args=["{}"]) + "?q=Training+1"
    as_csv = csv_rows(client.get(url.replace("%7B%7D", "csv")))
    as_xlsx = xlsx_rows(client.get(url.replace("%7B%7D", "xlsx")))
    assert as_csv[0] == [h or "" for h in as_xlsx[0]]
    assert [r[0] for r in as_csv[1:]] == [r[0] for r in as_xlsx[1:]]
    assert len(as_csv) == 1 + 4  # Training 1, 10, 11, 12


def test_xlsx_keeps_numbers_and_dates_typed(client):
    factories.SeizureFactory(quantity=Decimal("12.5"), date=datetime.date(2011, 3, 1))
    rows = xlsx_rows(client.get(reverse("activities:seizure_export", args=["xlsx"])))
    header, row = rows
    assert row[header.index("Quantity")] == 12.5
    assert row[header.index("Date")] == datetime.datetime(2011, 3, 1)


def test_project_export_columns_are_the_column_spec(client):
    project = factories.ProjectFactory(code="KGZK50", title="Support to the SSDC")
    project.countries.add(factories.CountryFactory(code="KG"))
    rows = csv_rows(client.get(reverse("activities:project_export", args=["csv"])))
    assert rows[0] == PROJECT_COLUMNS.headers
    assert rows[1][:2] == ["KGZK50", "Support to the SSDC"]
    assert rows[1][PROJECT_COLUMNS.headers.index("Countries (ISO)")] == "KG"


def test_contribution_export_gives_the_us_dollar_equivalent_and_its_month(client):
    factories.ExchangeRateFactory(currency="EUR", month=datetime.date(2011, 4, 1),
                                  usd_per_unit=Decimal("1.4"))
    factories.ContributionFactory(key="eur", amount=Decimal(1000), currency="EUR",
                                  date=datetime.date(2011, 4, 15))
    factories.ContributionFactory(key="gbp", amount=Decimal(10), currency="GBP", date=None,
                                  year=2011)
    rows = csv_rows(client.get(reverse("donors:contribution_export", args=["csv"])
                               + "?sort=amount"))
    header = rows[0]
    assert header == CONTRIBUTION_COLUMNS.headers
    by_key = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_key["eur"]["US-dollar equivalent"] == "1400"
    assert by_key["eur"]["Rate month"] == "2011-04"
    assert by_key["gbp"]["US-dollar equivalent"] == ""  # no rate: empty, never 0
    assert by_key["gbp"]["Rate month"] == "2011-07"


# --------------------------------------------------------------------------------------------
# Text: Cyrillic intact, formulas neutralised
# --------------------------------------------------------------------------------------------
def test_cyrillic_survives_both_formats(client):
    factories.DonorFactory(name="Государственная служба Кыргызстана")
    assert csv_rows(client.get(reverse("donors:donor_export", args=["csv"])))[1][1] == (
        "Государственная служба Кыргызстана"
    )
    assert xlsx_rows(client.get(reverse("donors:donor_export", args=["xlsx"])))[1][1] == (
        "Государственная служба Кыргызстана"
    )


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_cells_that_look_like_formulas_are_neutralised_in_both_formats(client, text):
    factories.DonorFactory(name=text)
    assert csv_rows(client.get(reverse("donors:donor_export", args=["csv"])))[1][1] == f"'{text}"
    # XLSX: a string cell, which no spreadsheet runs, holding the text as it is (no apostrophe;
    # a carriage return is kept as the escape _x000D_).
    content = b"".join(client.get(reverse("donors:donor_export", args=["xlsx"])).streaming_content)
    cell = openpyxl.load_workbook(io.BytesIO(content)).active.cell(2, 2)
    assert cell.value in (text, text.replace("\r", "_x000D_"))
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_csv_quotes_every_text_cell_and_writes_numbers_and_empty_cells_bare():
    lines = list(csv_lines(["Name", "Amount", "Note"], [
        ["Bishkek", Decimal("1400.00"), None], ["a, \"b\"", 5, "2011"], [True, 2.5, ""],
    ]))
    assert lines == ['\ufeff"Name","Amount","Note"\r\n', '"Bishkek",1400,\r\n',
                     '"a, ""b""",5,"2011"\r\n', '"yes",2.5,""\r\n']


@pytest.mark.parametrize("sign", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_sign_after_a_semicolon_is_neutralised_like_one_at_the_start(client, sign):
    assert neutralise(f"Osh;{sign}1+1") == f"Osh;'{sign}1+1"
    assert neutralise(f"{sign}A;B;{sign}C") == f"'{sign}A;B;'{sign}C"
    factories.DonorFactory(name=f"Osh;{sign}cmd|' /C calc'!A0")
    response = client.get(reverse("donors:donor_export", args=["csv"]))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert csv_rows_of(body)[1][1] == f"Osh;'{sign}cmd|' /C calc'!A0"
    # Read as spreadsheets set for Russian, Kazakh or Uzbek read it: cells split at ";" and the
    # quotes taken as part of the text. No cell starts with a formula sign.
    for line in body[1:].splitlines():
        for cell in line.split(";"):
            assert not cell.lstrip('"').startswith(("=", "+", "-", "@", "\t", "\r")), line


def csv_rows_of(body):
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_participant_export_quotes_text_and_the_xlsx_has_no_apostrophes(officer_client):
    factories.ParticipantFactory(name="Алишер Усмонов", phone="+7 701 123 45 67",
                                 position="=1+1")
    url = reverse("activities:participant_export", args=["csv"])
    body = b"".join(officer_client.get(url).streaming_content).decode("utf-8")
    assert '"Алишер Усмонов"' in body and "\"'+7 701 123 45 67\"" in body
    rows = xlsx_rows(officer_client.get(url.replace("csv", "xlsx")))
    person = dict(zip(rows[0], rows[1], strict=True))
    assert person["Phone"] == "+7 701 123 45 67"  # a string cell: no apostrophe needed
    assert person["Position"] == "=1+1"
    assert person["Name"] == "Алишер Усмонов"


def test_numbers_are_not_neutralised_and_plain_text_is_untouched():
    assert csv_cell(Decimal("-5")) == "-5"
    assert csv_cell(Decimal("12.50")) == "12.50"
    assert neutralise("Bishkek - Osh") == "Bishkek - Osh"


# --------------------------------------------------------------------------------------------
# Bad input and limits: the list page, never a file
# --------------------------------------------------------------------------------------------
def test_an_invalid_filter_sends_the_visitor_to_the_list_page_with_the_form_error(client):
    url = reverse("donors:contribution_export", args=["csv"]) + "?year_min=abc&sort=amount"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("donors:contribution_list") + "?year_min=abc&sort=amount"
    page = client.get(response["Location"])
    assert "Enter a whole number." in page.content.decode()


def test_an_unknown_sort_is_an_error_too(client):
    response = client.get(reverse("activities:project_export", args=["xlsx"]) + "?sort=evil")
    assert response.status_code == 302


def test_an_unknown_format_is_the_styled_404(client):
    response = client.get("/projects/export.pdf")
    assert response.status_code == 404
    assert "Main navigation" in response.content.decode()


def test_bad_page_parameters_do_not_matter_to_an_export(client, events):
    url = reverse("activities:event_export", args=["csv"]) + "?page=abc&page_size=7"
    assert len(csv_rows(client.get(url))) == 1 + 14


def test_above_the_row_limit_the_visitor_is_asked_to_narrow_the_filters(client, settings):
    settings.EXPORT_MAX_ROWS = 2
    for _ in range(3):
        factories.SeizureFactory()
    response = client.get(reverse("activities:seizure_export", args=["csv"]) + "?kind=individual",
                          follow=True)
    assert response.redirect_chain[0][0] == reverse("activities:seizure_list") + "?kind=individual"
    html = response.content.decode()
    assert "These filters select 3 seizures; a download holds at most 2 rows." in html
    assert "Narrow the filters" in html
    settings.EXPORT_MAX_ROWS = 3
    assert len(csv_rows(client.get(reverse("activities:seizure_export", args=["csv"])))) == 4


def test_list_pages_link_to_their_downloads_with_the_current_filters(client):
    html = client.get(reverse("activities:event_list") + "?kind=workshop&sort=title").content
    assert (reverse("activities:event_export", args=["csv"]) + "?kind=workshop&amp;sort=title"
            ).encode() in html
    assert reverse("activities:event_export", args=["xlsx"]).encode() in html
    # No download links while the filters are invalid.
    bad = client.get(reverse("activities:event_list") + "?date_after=nope").content
    assert reverse("activities:event_export", args=["csv"]).encode() not in bad


def test_the_default_row_limit_is_a_million(settings):
    from django.conf import settings as live

    assert live.EXPORT_MAX_ROWS == 1_000_000


# --------------------------------------------------------------------------------------------
# Who gets what
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 302), ("donor", 403), ("officer", 200), ("admin", 200),
])
def test_participant_export_is_for_officers_and_admins_only(role, status, client, request):
    factories.ParticipantFactory(name="Алишер Усмонов", email="alisher@example.org",
                                 phone="+998 90 000 00 01")
    response = client_for(role, client, request).get(
        reverse("activities:participant_export", args=["csv"])
    )
    assert response.status_code == status
    if status == 200:
        rows = csv_rows(response)
        assert rows[0] == PARTICIPANT_COLUMNS.headers
        person = dict(zip(rows[0], rows[1], strict=True))
        assert person["Name"] == "Алишер Усмонов"
        assert person["E-mail"] == "alisher@example.org"
        assert person["Phone"] == "'+998 90 000 00 01"  # neutralised: it starts with "+"


def test_participant_export_follows_the_registers_filters(client, officer_user):
    client.force_login(officer_user)
    factories.ParticipantFactory(name="Madina Yusupova", sex="female")
    factories.ParticipantFactory(name="Timur Karimov", sex="male")
    rows = csv_rows(client.get(reverse("activities:participant_export", args=["xlsx"])
                               .replace("xlsx", "csv") + "?sex=female"))
    assert [row[1] for row in rows[1:]] == ["Madina Yusupova"]


def test_the_participant_register_links_to_its_download(client, officer_user):
    client.force_login(officer_user)
    html = client.get(reverse("activities:participant_list") + "?sex=male").content.decode()
    assert reverse("activities:participant_export", args=["csv"]) + "?sex=male" in html


def test_a_donor_export_counts_only_contributions_the_user_may_see(client, donor_user):
    donor = factories.DonorFactory(slug="eu", name="European Union")
    factories.ContributionFactory(donor=donor)
    factories.ContributionFactory(donor=donor, is_published=False)
    client.force_login(donor_user)  # another donor: sees the EU's published one only
    rows = csv_rows(client.get(reverse("donors:donor_export", args=["csv"]) + "?q=European"))
    assert dict(zip(rows[0], rows[1], strict=True))["Contributions"] == "1"
