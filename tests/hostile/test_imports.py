"""Participant import with hostile files: random bytes, damaged workbooks, bad encodings, NUL
bytes, formulas, markup and SQL in the cells. A refused file writes nothing; an accepted one is
only a preview (an import batch), shown escaped; confirming it writes participants only when no
row is in error."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from activities.imports import COLUMNS
from activities.models import ImportBatch
from tests.hostile import strategies as hs
from tests.hostile.conftest import examples, rolled_back, row_counts
from tests.hostile.pages import assert_answered, assert_escaped, clients, records

pytestmark = pytest.mark.django_db

HEADER = [column.label for column in COLUMNS]
# The two questions the upload form asks once per batch (issue 18).
BASIS = {"source": "partner_list", "contact_consent": "yes"}

# Cell text: hostile, but XML-safe for workbooks (openpyxl refuses control characters).
cells = st.one_of(hs.hostile, hs.storable_markup, st.just(""), st.just("DCA"), st.just("KG"))
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER) + 2), min_size=1, max_size=4)


def csv_bytes(table, encoding, delimiter):
    text = "\n".join(delimiter.join(str(cell).replace("\n", " ") for cell in row)
                     for row in table)
    return text.encode(encoding, errors="replace")


def xlsx_bytes(table):
    workbook = Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append([
            "".join(ch for ch in str(cell) if ch >= " " or ch in "\t\n\r") for cell in row
        ])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def garbage(seed, size):
    return random.Random(seed).randbytes(size)


files = st.one_of(
    # A table under the template's header, as CSV in several encodings or as a workbook.
    st.builds(lambda body, enc, sep: ("list.csv", csv_bytes([HEADER, *body], enc, sep)),
              rows, st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16", "latin-1"]),
              st.sampled_from([",", ";", "\t", "|"])),
    st.builds(lambda body: ("list.xlsx", xlsx_bytes([HEADER, *body])), rows),
    # Random bytes under any name.
    st.builds(lambda seed, size, name: (name, garbage(seed, size)),
              st.integers(0, 2**32), st.integers(1, 20_000),
              st.sampled_from(["list.csv", "list.xlsx", "list.txt", "list", ".csv", "x.CSV"])),
    # Valid UTF-8 with a NUL byte or a byte no encoding takes, after the first 4 KB.
    st.builds(lambda tail, name: (name, ",".join(HEADER).encode() + b"\n" + b"a," * 2100 + tail),
              st.sampled_from([b"\x00", b"\x98\x00", b"\xff\xfe\x98", b"\x81\x98"]),
              st.sampled_from(["list.csv"])),
    # A workbook's zip with garbage inside, and a truncated workbook.
    st.builds(lambda body, cut: ("list.xlsx", xlsx_bytes([HEADER, *body])[:cut]),
              rows, st.integers(1, 4000)),
)


@pytest.fixture
def setup(roles):
    data = records(roles)
    data["clients"] = clients(data["users"])
    return data


def test_hostile_files_are_refused_whole_or_previewed_escaped_and_confirmed_safely(setup):
    client = setup["clients"]["officer"]
    url = reverse("activities:participant_import", args=[setup["event"].slug])

    # Bytes neither UTF-8 nor Windows-1251 took, and a NUL after the first 4 KB, gave server
    # errors (the second on PostgreSQL).
    @examples(12)
    @example(file=("list.csv", ",".join(HEADER).encode() + b"\nAna \x98\x81,F,,,,,\n"),
             confirm=False)
    @example(file=("list.csv", ",".join(HEADER).encode() + b"\n" + b"a," * 2100 + b"\x00"),
             confirm=True)
    # Over the size limit.
    @example(file=("list.csv", b"a," * (3 * 1024 * 1024)), confirm=False)
    # A digit that int() refuses ("²") in the country column gave a server error.
    @example(file=("list.csv", ",".join(HEADER).encode() + "\nAna,F,,²,,,\n".encode()),
             confirm=True)
    @given(file=files, confirm=st.booleans())
    def check(file, confirm):
        name, content = file
        with rolled_back():
            before = row_counts()
            response = client.post(url, {"file": SimpleUploadedFile(name, content), **BASIS})
            assert_answered(response, name)
            if response.status_code != 302:
                assert row_counts() == before, "a refused file wrote rows"
                return
            batch = ImportBatch.objects.get(pk=response["Location"].split("/")[2])
            values = [str(v) for row in batch.rows for v in row["values"].values()]
            for status in ["", "error", "new"]:
                preview = client.get(response["Location"], {"status": status})
                assert preview.status_code == 200
                assert_escaped(preview, *values)
            if confirm:
                participants = row_counts()["activities.Participant"]
                confirmed = client.post(response["Location"])
                assert confirmed.status_code == 302
                if batch.counts.get("error"):
                    assert row_counts()["activities.Participant"] == participants
                assert_escaped(client.get(confirmed["Location"]), *values)

    check()


def test_import_form_without_a_file_or_with_hostile_fields_writes_nothing(setup):
    client = setup["clients"]["officer"]
    url = reverse("activities:participant_import", args=[setup["event"].slug])

    @examples(4)
    @given(data=st.dictionaries(st.sampled_from(["file", "file-clear", "next", "csrf", "source",
                                                 "contact_consent"]),
                                hs.hostile, max_size=3))
    def check(data):
        with rolled_back():
            before = row_counts()
            response = client.post(url, data)
            assert_answered(response, *data.values())
            assert response.status_code != 302
            assert row_counts() == before

    check()


def test_the_preview_page_takes_hostile_status_and_page_parameters(setup):
    client = setup["clients"]["officer"]
    header = ",".join(HEADER).encode()
    response = client.post(
        reverse("activities:participant_import", args=[setup["event"].slug]),
        {"file": SimpleUploadedFile("ok.csv", header + b"\nAna Popa,F,DCA,KG,,,\n"), **BASIS},
    )
    assert response.status_code == 302
    url = response["Location"]

    @examples(4)
    @given(pairs=st.lists(st.tuples(st.sampled_from(["status", "page"]), hs.hostile),
                          min_size=1, max_size=3))
    def check(pairs):
        response = client.get(url, dict(pairs))
        assert_answered(response, *(value for _name, value in pairs))

    check()
