"""Spreadsheet import: upload → stored batch → preview of every row → confirm. Nothing is
written before confirmation, and nothing at all while a row is in error."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from activities import imports
from activities.models import ImportBatch, Participant, Participation
from tests import factories

pytestmark = pytest.mark.django_db
HEADER = [column.label for column in imports.COLUMNS]


def csv_file(rows, header=HEADER, name="list.csv", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), "text/csv")


def xlsx_file(rows, header=HEADER, name="list.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


MAKERS = {"csv": csv_file, "xlsx": xlsx_file}


@pytest.fixture
def setting(db):
    kg = factories.CountryFactory(code="KG")
    factories.CountryFactory(code="UZ")
    ssdc = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                         country=kg)
    event = factories.EventFactory(slug="planning")
    known = factories.ParticipantFactory(name="Alisher Usmonov", organisation=ssdc, country=kg)
    return {"event": event, "ssdc": ssdc, "known": known}


# The two questions the upload form asks once per batch (issue 18).
BASIS = {"source": "attendance_sheet", "contact_consent": "not_recorded"}


def upload(client, event, file, **basis):
    return client.post(reverse("activities:participant_import", args=[event.slug]),
                       {"file": file, **BASIS, **basis})


GOOD_ROWS = [
    ["Dilnoza Karimova", "F", "SSDC", "KG", "Inspector", "dk@example.org", "+996 555 123456"],
    ["alisher  USMONOV", "m", "State Service on Drug Control", "Kyrgyzstan", "", "", ""],
    ["Усмонов Алишер", "male", "ssdc", "kg", "Analyst", "", ""],
    ["Rustam Nazarov", "", "", "", "", "", ""],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_classifies_rows_and_writes_nothing_then_commit_writes_all(
    officer_client, officer_user, setting, kind
):
    before = (Participant.objects.count(), Participation.objects.count())
    response = upload(officer_client, setting["event"], MAKERS[kind](GOOD_ROWS))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (Participant.objects.count(), Participation.objects.count()) == before
    statuses = [row["status"] for row in batch.rows]
    assert statuses == ["new", "match", "duplicate", "new"]
    assert batch.rows[1]["match"]["id"] == setting["known"].pk
    assert batch.rows[2]["duplicates"][0]["id"] == setting["known"].pk
    assert batch.created_by == officer_user and len(batch.file_hash) == 64

    preview = officer_client.get(response["Location"])
    html = preview.content.decode()
    assert "Confirm the import" in html and "Likely duplicate" in html
    assert "Dilnoza Karimova" in html

    confirmed = officer_client.post(response["Location"])
    assert confirmed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    event = setting["event"]
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Dilnoza Karimova", "Alisher Usmonov", "Усмонов Алишер", "Rustam Nazarov"}
    dilnoza = Participant.objects.get(name="Dilnoza Karimova")
    assert dilnoza.sex == "female" and dilnoza.phone == "+996 555 123456"
    assert dilnoza.organisation == setting["ssdc"] and dilnoza.match_key
    history = dilnoza.history.get()
    assert history.history_user == officer_user
    assert "Imported from list." in history.history_change_reason
    assert Participation.history.filter(event_id=event.pk).count() == 4
    # The likely duplicate now waits in the review list.
    review = officer_client.get(reverse("activities:participant_duplicates"))
    assert "Усмонов Алишер" in review.content.decode()
    # Confirming twice does nothing more.
    officer_client.post(response["Location"])
    assert event.participations.count() == 4


BAD_ROWS = [
    (["=HYPERLINK(\"http://x\")", "", "", "", "", "", ""], "Name", "formula"),
    (["+Plus", "", "", "", "", "", ""], "Name", "formula"),
    (["-Minus", "", "", "", "", "", ""], "Name", "formula"),
    (["@At", "", "", "", "", "", ""], "Name", "formula"),
    (["Ok Name", "", "", "", "", "", "=1+1"], "Phone", "formula"),
    (["Ok Name2", "x", "", "", "", "", ""], "Sex", "is not female, male or empty"),
    (["Ok Name3", "", "Unknown Agency", "", "", "", ""], "Organisation", "No organisation"),
    (["Ok Name4", "", "", "Atlantis", "", "", ""], "Country", "is not a country"),
    (["Ok Name5", "", "", "GB", "", "", ""], "Country", "not among the portal's countries"),
    (["Ok Name6", "", "", "", "", "not-mail", ""], "E-mail", "is not an e-mail address"),
    (["", "f", "SSDC", "", "", "", ""], "Name", "the name is missing"),
    # After a ";" (the cell separator of Russian, Kazakh and Uzbek spreadsheet settings).
    (["Ok Name7", "", "", "", "Head of unit;=1+1", "", ""], "Position", "“=” right after “;”"),
    (["Ok Name8", "", "", "", "", "", "555 123456;-2+3"], "Phone", "“-” right after “;”"),
    (["Ok Name9", "", "", "", "", "", "+996 555 123456;=1"], "Phone", "“=” right after “;”"),
    (["Ok;@Name10", "", "", "", "", "", ""], "Name", "“@” right after “;”"),
    (["Dilnoza Karimova", "", "SSDC", "", "", "", ""], "Name", "listed twice"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_in_error_are_reported_with_row_column_and_reason_and_block_the_import(
    officer_client, setting, kind
):
    rows = [GOOD_ROWS[0]] + [row for row, _, _ in BAD_ROWS]
    response = upload(officer_client, setting["event"], MAKERS[kind](rows))
    batch = ImportBatch.objects.get()
    by_row = {row["n"]: row for row in batch.rows}
    assert by_row[2]["status"] == "new"
    for offset, (_, column, reason) in enumerate(BAD_ROWS):
        row = by_row[3 + offset]
        assert row["status"] == "error", row
        assert any(c == column and reason in r for c, r in row["errors"]), row["errors"]
    html = officer_client.get(response["Location"] + "?status=error").content.decode()
    assert "Nothing can be imported" in html and "Confirm the import" not in html
    before = (Participant.objects.count(), Participation.objects.count())
    officer_client.post(response["Location"])
    assert (Participant.objects.count(), Participation.objects.count()) == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_a_date_in_the_name_column_is_an_error(officer_client, setting):
    upload(officer_client, setting["event"],
           xlsx_file([[datetime.date(2011, 3, 1), "", "", "", "", "", ""],
                      ["Phone As Number", "", "", "", "", "", 996555123456]]))
    rows = ImportBatch.objects.get().rows
    assert rows[0]["status"] == "error"
    assert rows[0]["errors"] == [["Name", "a date (2011-03-01) where text is expected."]]
    assert rows[1]["status"] == "new" and rows[1]["clean"]["phone"] == "996555123456"


def test_xlsx_formula_cells_are_refused_not_computed(officer_client, setting):
    upload(officer_client, setting["event"],
           xlsx_file([["Real Name", "", "", "", "=1+1", "", ""]]))
    row = ImportBatch.objects.get().rows[0]
    assert row["status"] == "error" and row["errors"][0][0] == "Position"


def test_semicolon_csv_and_windows_cyrillic_are_read(officer_client, setting):
    text = ";".join(HEADER) + "\r\nЮсупова Мадина;ж;SSDC;KG;;;\r\n"
    file = SimpleUploadedFile("list.csv", text.encode("cp1251"), "text/csv")
    upload(officer_client, setting["event"], file)
    row = ImportBatch.objects.get().rows[0]
    assert row["status"] == "new" and row["clean"]["name"] == "Юсупова Мадина"
    assert row["sex"] == "female"


def test_page_of_a_long_preview_is_paginated(officer_client, setting):
    rows = [[f"Person Number{i}", "", "", "", "", "", ""] for i in range(120)]
    response = upload(officer_client, setting["event"], csv_file(rows))
    page = officer_client.get(response["Location"] + "?page=3")
    html = page.content.decode()
    # Page 3 of 3: the site's one pagination marks it current, with no page after it.
    assert (page.context["page_obj"].number, page.context["paginator"].num_pages) == (3, 3)
    assert '<nav aria-label="Pages of rows"' in html
    assert 'aria-current="page"><span class="page-link">3</span>' in html
    assert 'rel="next"' not in html and 'rel="prev"' in html
    assert "Person Number119" in html and "Person Number0<" not in html


def test_preview_page_numbers_are_forgiven_as_on_every_list(officer_client, setting):
    rows = [[f"Person Number{i}", "", "", "", "", "", ""] for i in range(120)]
    url = upload(officer_client, setting["event"], csv_file(rows))["Location"]
    for page, shown in [("abc", 1), ("0", 1), ("999", 3)]:
        response = officer_client.get(url, {"page": page})
        assert response.status_code == 200
        assert response.context["page_obj"].number == shown


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("list.pdf", b"%PDF-1.4 something", "application/pdf"),
         "Only .xlsx (Excel) and .csv files"),
        (SimpleUploadedFile("list.xlsx", b"name,sex\nnot really excel", "text/csv"),
         "not an Excel .xlsx workbook"),
        (SimpleUploadedFile("list.csv", b"", "text/csv"), "The submitted file is empty"),
        (SimpleUploadedFile("list.csv", b"   \n", "text/csv"), "The file is empty."),
        (SimpleUploadedFile("list.csv", b"Name,Sex\nA,f\n", "text/csv"),
         "missing: Organisation, Country, Position, E-mail, Phone"),
        (SimpleUploadedFile("list.csv", (",".join(HEADER) + "\n,,,\n").encode(), "text/csv"),
         "no participant rows"),
        (SimpleUploadedFile("list.csv", (",".join(HEADER) + '\n"' + "x" * 200_000 + '"\n')
                            .encode(), "text/csv"), "cannot be read near line 2"),
    ],
    ids=["other-type", "fake-xlsx", "zero-bytes", "blank", "missing-columns", "header-only",
         "huge-cell"],
)
def test_unusable_files_are_refused_with_a_message_and_nothing_stored(
    officer_client, setting, file, message
):
    response = upload(officer_client, setting["event"], file)
    assert response.status_code in {200, 400}
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_files_over_five_megabytes_are_refused(officer_client, setting, settings):
    big = SimpleUploadedFile("list.csv", b"a" * (5 * 1024 * 1024 + 1), "text/csv")
    response = upload(officer_client, setting["event"], big)
    assert response.status_code == 400
    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_same_file_cannot_be_imported_twice_into_one_event(officer_client, setting):
    upload(officer_client, setting["event"], csv_file(GOOD_ROWS[:1]))
    officer_client.post(ImportBatch.objects.get().get_absolute_url())
    response = upload(officer_client, setting["event"], csv_file(GOOD_ROWS[:1]))
    assert "already imported into this event" in response.content.decode()


def test_a_change_in_the_register_after_the_preview_is_taken_into_account(officer_client,
                                                                         setting):
    response = upload(officer_client, setting["event"], csv_file(GOOD_ROWS[:1]))
    # Someone records the same person on the event page meanwhile.
    factories.ParticipantFactory(name="Dilnoza Karimova", organisation=setting["ssdc"])
    officer_client.post(response["Location"])
    assert Participant.objects.filter(name="Dilnoza Karimova").count() == 1
    assert ImportBatch.objects.get().rows[0]["status"] == "match"


def test_expired_preview_cannot_be_confirmed(officer_client, setting):
    response = upload(officer_client, setting["event"], csv_file(GOOD_ROWS[:1]))
    ImportBatch.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    officer_client.post(response["Location"])
    assert not Participant.objects.filter(name="Dilnoza Karimova").exists()
    page = officer_client.get(response["Location"])
    assert "This preview has expired" in page.content.decode()


def test_participants_already_at_the_event_are_not_added_twice(officer_client, setting):
    factories.ParticipationFactory(participant=setting["known"], event=setting["event"])
    upload(officer_client, setting["event"], csv_file([GOOD_ROWS[1]]))
    batch = ImportBatch.objects.get()
    assert batch.rows[0]["status"] == "already"
    officer_client.post(batch.get_absolute_url())
    assert setting["event"].participations.count() == 1


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download_has_the_columns_the_parser_reads(officer_client, fmt):
    response = officer_client.get(reverse("activities:import_template", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        header = list(next(sheet.iter_rows(values_only=True)))
    assert header == HEADER
    assert imports.header_positions(header) == {c.key: i for i, c in enumerate(imports.COLUMNS)}


def test_a_damaged_workbook_is_refused_with_a_message(officer_client, setting):
    import zipfile

    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not really/>")
    response = upload(officer_client, setting["event"],
                      SimpleUploadedFile("list.xlsx", content.getvalue()))
    assert response.status_code == 400
    assert "The workbook cannot be read" in response.content.decode()


def test_more_rows_than_the_limit_are_refused(officer_client, setting, settings):
    settings.UPLOAD_MAX_ROWS = 3
    response = upload(officer_client, setting["event"], csv_file(GOOD_ROWS + GOOD_ROWS))
    assert "more than 3 rows" in response.content.decode()


def test_a_semicolon_without_a_formula_after_it_and_phone_numbers_are_accepted(officer_client,
                                                                              setting):
    upload(officer_client, setting["event"], csv_file([
        ["Ok Name", "", "", "", "Head; deputy - analyst", "", "+7 701 123 45 67"],
        ["Two Phones", "", "", "", "", "", "+7 701 123 45 67;+996 555 123456"],
    ]))
    first, second = ImportBatch.objects.get().rows
    assert first["status"] == "new", first["errors"]
    assert first["clean"]["position"] == "Head; deputy - analyst"
    assert first["clean"]["phone"] == "+7 701 123 45 67"
    assert second["status"] == "new", second["errors"]


# --------------------------------------------------------------------------------------------
# Files that would exhaust the server (unodc_portal/core/uploads.py inspects them first)
# --------------------------------------------------------------------------------------------
def bomb_workbook():
    """A valid-looking template workbook whose shared strings unpack to 3 MB (about 400 to 1)."""
    from tests.zipbombs import shared_strings_bomb, workbook

    return workbook(HEADER, shared_strings_bomb(3))


def lying_workbook():
    """The directory says the shared strings are 40 KB (with those 40 KB's checksum); they
    unpack to 8 MB."""
    import zlib

    from tests.zipbombs import repeated, workbook

    bomb = repeated("xl/sharedStrings.xml", b"<sst>", b"<si><t>A</t></si>" * 4096, 128,
                    b"</sst>")
    head = zlib.decompressobj(-zlib.MAX_WBITS).decompress(bomb.data, 40_000)[:40_000]
    return workbook(HEADER, bomb.lying(file_size=40_000, crc=zlib.crc32(head)))


HOSTILE = {
    "part-size": ("list.xlsx", bomb_workbook,
                  "The workbook's part xl/sharedStrings.xml unpacks to 3.0 MB; the limit for "
                  "one part is 2 MB."),
    "total-size": ("list.xlsx", bomb_workbook,
                   "The workbook unpacks to 3.0 MB; the limit is 2 MB."),
    "ratio": ("list.xlsx", bomb_workbook, "is compressed 394 to 1 (7.8 KB unpacking to 3.0 MB); "
              "the limit is 100 to 1."),
    "lying-directory": ("list.xlsx", lying_workbook,
                        "The workbook&#x27;s zip directory does not match its content"),
    "csv-columns": ("list.csv", lambda: (",".join(HEADER) + "\nAna," + "x," * 60 + "\n")
                    .encode(), "Row 2 of the file has 61 columns; the limit is 50."),
    "csv-line": ("list.csv", lambda: (",".join(HEADER) + "\n" + ",a" * 20_000 + "\n")
                 .encode(), "the line is 40,001 characters long; the limit is 32,768."),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_files_that_would_exhaust_the_server_are_refused_on_the_form_and_nothing_is_stored(
    officer_client, setting, settings, case
):
    name, make, message = HOSTILE[case]
    settings.UPLOAD_MAX_RATIO = 1000  # each case shows its own limit
    if case == "ratio":
        settings.UPLOAD_MAX_RATIO = 100
    elif case == "part-size":
        settings.UPLOAD_MAX_PART_BYTES = 2 * 2**20
    elif case == "total-size":
        settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 2 * 2**20
    before = (Participant.objects.count(), Participation.objects.count())
    response = upload(officer_client, setting["event"], SimpleUploadedFile(name, make()))
    assert response.status_code == 400
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html, html[html.find("invalid-feedback"):][:600]
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()
    assert (Participant.objects.count(), Participation.objects.count()) == before


def test_the_template_lists_an_organisation_named_like_a_formula_as_text(officer_client):
    factories.OrganisationFactory(name='=HYPERLINK("http://x.invalid","Click")', acronym="@SUM")
    response = officer_client.get(reverse("activities:import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content))["Organisations"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    assert {cell.value for cell in cells} == {'=HYPERLINK("http://x.invalid","Click")', "@SUM"}
    assert {cell.data_type for cell in cells} == {"s"}  # text, not a formula


@pytest.mark.parametrize("country", ["²", "٣", "1²"])
def test_a_country_in_non_ascii_digits_is_an_error_not_a_server_error(
    officer_client, setting, country
):
    response = upload(officer_client, setting["event"],
                      csv_file([["Rustam Nazarov", "m", "SSDC", country, "", "", ""]]))
    assert response.status_code == 302
    row = ImportBatch.objects.get().rows[0]
    assert row["status"] == "error"
    assert any("is not a country code or name" in reason for _column, reason in row["errors"])


def test_the_template_is_written_by_xlsxwriter_and_read_back_by_openpyxl(officer_client):
    """One library writes spreadsheets (XlsxWriter, as the exports); openpyxl only reads. The
    workbook it writes opens in openpyxl with every sheet, every cell text, the header bold."""
    import zipfile

    factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC")
    response = officer_client.get(reverse("activities:import_template", args=["xlsx"]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert 'filename="participants-template.xlsx"' in response["Content-Disposition"]
    app = zipfile.ZipFile(io.BytesIO(response.content)).read("docProps/app.xml").decode()
    assert "<Application>Microsoft Excel</Application>" in app  # XlsxWriter's, not openpyxl's
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.properties.creator != "openpyxl"
    assert workbook.sheetnames == ["Participants", "How to fill it in", "Organisations"]
    header = workbook["Participants"][1]
    assert [cell.value for cell in header] == HEADER
    assert all(cell.font.b for cell in header)
    notes = [[cell.value for cell in row] for row in workbook["How to fill it in"].iter_rows()]
    assert notes[0] == ["Column", "What to write"]
    assert notes[1] == ["Name", imports.COLUMNS[0].help + " Required."]
    assert notes[-1][0].startswith("Only the first sheet is read.")
    assert [[c.value for c in row] for row in workbook["Organisations"].iter_rows()] == [
        ["Acronym", "Name"], ["SSDC", "State Service on Drug Control"]]
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}


def test_the_template_view_builds_the_workbook_with_xlsxwriter(officer_client, monkeypatch):
    import xlsxwriter

    from activities import import_template

    made = []

    class Spy(xlsxwriter.Workbook):
        def __init__(self, *args, **kwargs):
            made.append(kwargs or args[1])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(import_template.xlsxwriter, "Workbook", Spy)
    officer_client.get(reverse("activities:import_template", args=["xlsx"]))
    assert len(made) == 1 and made[0]["strings_to_formulas"] is False
    assert officer_client.get(reverse("activities:import_template", args=["ods"])
                              ).status_code == 404
