"""Demo accounts: their names, and the file that keeps their passwords; and the demo project's
results framework.

``seed_demo`` (debug only) makes one account per role, members of ``roles.DEMO_GROUP`` as well,
with passwords generated per installation (``secrets.token_urlsafe``) into
``settings.DEMO_ACCOUNTS_FILE`` (``.demo-accounts`` in the project, git-ignored), written readable
by its owner only. Running seed_demo again reads the file and keeps the passwords; ``remove_demo``
deletes the accounts and the file. No password is written in the code or the README.

The demo project's framework (``framework_write``) shows a new user every kind of indicator
after ``make run``: an outcome with outputs under it and one output under none, indicators
computed from the demo record (people trained, participants reported, events held, seizures in
kilograms, contributions received) and one entered by hand with an approved and a pending
actual, quarterly and yearly periods, and two headline indicators. Results carry no demo flag
of their own: they are the demo project's, shown with it to demo accounts only
(``Result.objects.visible_to``), and ``remove_demo`` deletes them with it.
"""

from __future__ import annotations

import datetime
import io
import os
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from results.models import Indicator, Period, Result

# (user name, role), in the order they are printed.
DEMO_ACCOUNTS = [
    ("demo-officer", "officer"),
    ("demo-donor", "donor"),
    ("demo-admin", "admin"),
]
DEMO_USERNAMES = [username for username, _role in DEMO_ACCOUNTS]
FILE_HEADER = (
    "# Demo accounts of this installation (manage.py seed_demo, debug only).\n"
    "# user name, password — generated here, never in git; manage.py remove_demo deletes them.\n"
)


def accounts_file() -> Path:
    return Path(settings.DEMO_ACCOUNTS_FILE)


def read_passwords() -> dict[str, str]:
    """The passwords kept in the accounts file, by user name ({} when there is no file)."""
    try:
        text = accounts_file().read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    passwords = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            username, _, password = line.strip().partition(" ")
            if password.strip():
                passwords[username] = password.strip()
    return passwords


def new_password() -> str:
    return secrets.token_urlsafe(18)


def write_passwords(passwords: dict[str, str]) -> Path:
    """Write the accounts file, readable and writable by its owner only (0600), whatever the
    umask, and whether or not it existed."""
    path = accounts_file()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(FILE_HEADER)
        for username in DEMO_USERNAMES:
            if username in passwords:
                stream.write(f"{username} {passwords[username]}\n")
    return path


def remove_accounts_file() -> bool:
    try:
        accounts_file().unlink()
    except FileNotFoundError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# The demo project's results framework
# --------------------------------------------------------------------------------------------
# (key, kind, outcome it sits under, title)
DEMO_RESULTS = [
    ("demo-outcome-interdiction", Result.Kind.OUTCOME, None,
     "Demo — Partner agencies intercept more drugs and precursors"),
    ("demo-output-training", Result.Kind.OUTPUT, "demo-outcome-interdiction",
     "Demo — Officers trained in risk profiling, precursor control and dog handling"),
    ("demo-output-procedures", Result.Kind.OUTPUT, "demo-outcome-interdiction",
     "Demo — Partner agencies adopt standard operating procedures"),
    ("demo-output-funding", Result.Kind.OUTPUT, None, "Demo — The programme is funded"),
]


def _quarters(year: int) -> list[tuple[datetime.date, datetime.date]]:
    ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
    return [(datetime.date(year, month - 2, 1), datetime.date(year, month, day))
            for month, day in ends]


def _year(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


Q2011 = _quarters(2011)
S = Indicator.Source
M = Indicator.Measure
# key, result, title, unit, measure, source, extra fields, periods (start, end, target, entered
# actual, its status)
DEMO_INDICATORS = [
    ("demo-people-trained", "demo-output-training", "Demo — People trained", "people",
     M.COUNT, S.PEOPLE_TRAINED, {
         "event_kinds": ["training_course", "dog_handler_course"], "is_headline": True,
         "baseline_value": Decimal(0), "baseline_date": datetime.date(2010, 12, 31),
         "baseline_note": "Demo baseline: no training before the programme began."},
     [(start, end, Decimal(target), None, "") for (start, end), target
      in zip(Q2011, (60, 80, 60, 40), strict=True)]),
    ("demo-participants-reported", "demo-output-training",
     "Demo — Participants reported at the programme's events", "participants", M.COUNT,
     S.REPORTED_PARTICIPANTS, {}, [(*_year(2011), Decimal(50), None, "")]),
    ("demo-events-held", "demo-output-training", "Demo — Training events held", "events",
     M.COUNT, S.EVENTS_HELD, {"event_kinds": ["training_course", "workshop",
                                             "dog_handler_course"]},
     [(*_year(2011), Decimal(4), None, ""), (*_year(2012), Decimal(6), None, "")]),
    ("demo-seizures-kg", "demo-outcome-interdiction", "Demo — Seized under the programme",
     "kg", M.QUANTITY, S.SEIZURES_KG, {"is_headline": True},
     [(*_year(2011), Decimal(20), None, ""), (*_year(2012), Decimal(30), None, "")]),
    ("demo-procedures-adopted", "demo-output-procedures",
     "Demo — Agencies that adopted the standard operating procedures", "agencies", M.COUNT,
     S.MANUAL, {},
     [(*Q2011[0], Decimal(1), Decimal(1), Period.Status.APPROVED),
      (*Q2011[1], Decimal(2), Decimal(2), Period.Status.PENDING),
      (*Q2011[2], Decimal(3), None, "")]),
    ("demo-contributions-received", "demo-output-funding", "Demo — Contributions received",
     "USD", M.QUANTITY, S.CONTRIBUTIONS_RECEIVED, {},
     [(*_year(2011), Decimal(75000), None, "")]),
]
APPROVED_AT = datetime.datetime(2011, 4, 12, 9, 0, tzinfo=datetime.UTC)


def framework_write(project, substance, officer, admin, reason: str) -> int:
    """The demo project's framework (``DEMO_RESULTS``, ``DEMO_INDICATORS``), each record
    validated (``full_clean``) and saved with its history; records already there are kept
    as they are, so running it again writes nothing. ``substance`` is what the seizures
    indicator counts (no substance, no such indicator); ``officer`` entered the manual actuals
    and ``admin`` approved one. Returns how many records were written."""
    written = 0

    def save(record):
        nonlocal written
        record.full_clean()
        record._change_reason = reason
        record.save()
        written += 1
        return record

    results = {}
    for order, (key, kind, parent, title) in enumerate(DEMO_RESULTS, start=1):
        result = Result.objects.filter(key=key).first()
        if result is None:
            result = save(Result(key=key, project=project, kind=kind, order=order,
                                 parent=results.get(parent), title=title,
                                 description="Synthetic demo record (seed_demo)."))
        results[key] = result
    for order, (key, result, title, unit, measure, source, extra, periods) in enumerate(
            DEMO_INDICATORS, start=1):
        if source == S.SEIZURES_KG and substance is None:
            continue
        indicator = Indicator.objects.filter(key=key).first()
        if indicator is None:
            indicator = save(Indicator(
                key=key, result=results[result], order=order, title=title, unit=unit,
                measure=measure, source=source,
                substance=substance if source == S.SEIZURES_KG else None, **extra))
        for start, end, target, actual, status in periods:
            if Period.objects.filter(indicator=indicator, start=start, end=end).exists():
                continue
            period = Period(indicator=indicator, start=start, end=end, target=target,
                            actual=actual, actual_status=status)
            if status:
                period.actual_entered_by = officer
                period.actual_note = "Demo — entered by the demo officer."
            if status == Period.Status.APPROVED:
                period.actual_approved_by = admin
                period.actual_approved_at = APPROVED_AT
            save(period)
    return written


# --------------------------------------------------------------------------------------------
# The demo event's files
# --------------------------------------------------------------------------------------------
DEMO_PHOTO_CONSENT = (
    "Demo — synthetic picture generated by seed_demo: it shows no one, so no one's consent is "
    "needed; a real photo records here who asked the people shown, when and how they agreed."
)


def _pdf(title: str, lines: list[str], table: list[tuple[str, ...]] | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("UNODC portal seed_demo")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.ln(3)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if table:
        pdf.ln(4)
        with pdf.table(col_widths=(10, 50, 60, 40)) as rows:
            for values in table:
                row = rows.row()
                for value in values:
                    row.cell(value)
    return bytes(pdf.output())


def agenda_pdf(event) -> bytes:
    start = event.start_date
    days = [start + datetime.timedelta(days=n)
            for n in range(((event.end_date or start) - start).days + 1)]
    lines = ["DEMO - synthetic agenda generated by seed_demo.", f"{event.city}, "
             f"{start:%d %B %Y}" + (f" - {days[-1]:%d %B %Y}" if len(days) > 1 else ""), ""]
    for number, day in enumerate(days, start=1):
        lines += [f"Day {number} ({day:%A %d %B})",
                  "  09:00  Opening and introductions",
                  "  10:30  Risk indicators: documents, routes, concealment",
                  "  14:00  Practical exercise",
                  "  16:30  Review of the day"]
    return _pdf(_ascii(event.title) + " - agenda", lines)


def attendance_sheet_pdf(event) -> bytes:
    rows = [("No.", "Name", "Organisation", "Signature")]
    rows += [(str(n), f"Demo participant {n:03d}", "Demo organisation", "(signed)")
             for n in range(1, 13)]
    return _pdf(_ascii(event.title) + " - attendance sheet",
                ["DEMO - synthetic attendance sheet generated by seed_demo; a real one holds "
                 "signatures and personal data and is never public."], rows)


def photo_jpeg(width: int = 960, height: int = 640) -> bytes:
    """A synthetic picture: a gradient, shapes, and the word DEMO."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a sky-blue to sand gradient
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 140 * t), int(150 + 60 * t),
                                              int(210 - 90 * t)))
    for n in range(6):
        x = 80 + n * 140
        draw.rectangle([x, height - 260, x + 90, height - 80], fill=(40 + n * 25, 70, 110))
        draw.ellipse([x + 20, height - 330, x + 70, height - 280], fill=(230, 190, 150))
    draw.text((40, 40), "DEMO - synthetic photo (seed_demo)", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _ascii(text: str) -> str:
    """The PDF's core fonts are Latin-1: the demo titles' dashes as hyphens."""
    return text.replace("\u2014", "-").replace("\u2013", "-").encode(
        "latin-1", "replace").decode("latin-1")


def demo_files(event) -> list[tuple[SimpleUploadedFile, dict]]:
    """The demo event's files: (upload, the attachment's values) each."""
    return [
        (SimpleUploadedFile("demo-agenda.pdf", agenda_pdf(event), "application/pdf"),
         {"title": "Demo — Agenda", "kind": "agenda", "visibility": "public"}),
        (SimpleUploadedFile("demo-photo.jpg", photo_jpeg(), "image/jpeg"),
         {"title": "Demo — Participants at the opening", "kind": "photo",
          "visibility": "public", "consent": DEMO_PHOTO_CONSENT,
          "alt_text": "A synthetic picture: six figures standing in a row under a blue sky.",
          "caption": "Demo — the opening session.", "credit": "seed_demo"}),
        (SimpleUploadedFile("demo-attendance-sheet.pdf", attendance_sheet_pdf(event),
                            "application/pdf"),
         {"title": "Demo — Attendance sheet", "kind": "attendance_sheet",
          "visibility": "staff"}),
    ]
