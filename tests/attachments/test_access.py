"""Who may open each file address — ``/files/<pk>/``, ``/files/<pk>/thumbnail/`` and
``/media/public/<token>/<name>`` — for every role and every kind of file, whatever address they
try (the engine is tests/access.py; tests/portal/test_access_coverage.py reads
``EXPECTATIONS``).

The world (``build_file_world``): the roles of ``tests.access.ROLES`` and three demo accounts
(``DEMO_ROLES``: an officer, a donor's user and an account in no role group, each also a member
of ``Demo accounts``), and one file of each kind that decides an answer differently:

- public photo and public report on a real event, public report on a project, public photo on a
  published article: everyone;
- attendance sheet (a PDF with a secret line), a photo kept for officers, seizure evidence:
  officers and admins;
- public photo on a draft article: admins, through the portal's address only (no public copy);
- public photo and attendance sheet on a demo event: demo accounts only (the sheet: the demo
  officer);
- a removed attachment, a photo made private, a replaced photo, a photo of an article made a
  draft again: their old public addresses are dead, the removed one's portal address too.

Every answer to a visitor, an account in no group or a donor's user (``OUTSIDERS``) is searched
for the bytes of every file they may not read (files and thumbnails, the removed attachment's
file that history keeps, the secret line of the sheet): none may appear, whatever was asked.
"""

from __future__ import annotations

import dataclasses
import io
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from PIL import Image

from activities.models import Article
from attachments import services, storage
from attachments.models import Attachment
from tests import access, factories
from tests.access import PUBLIC, Expect, statuses
from tests.attachments.files import attachments_stored_in, upload
from unodc_portal.core.roles import DEMO_GROUP, DONORS_GROUP, OFFICERS_GROUP

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."
# A line of the attendance sheet: in the stored PDF's bytes as they are (uncompressed).
SECRET_LINE = "Signed: Zebulon Quixote-Marchbanks, passport AB1234567"
PNG, PDF = "image/png", "application/pdf"
IMAGE = "image/"  # a thumbnail: whatever image type the inspection module makes

OUTSIDERS = ("anonymous", "no_group", "donor", "other_donor")
STAFF_ONLY = statuses(404, officer=200, admin=200)
NOBODY = statuses(404)
ADMIN_ONLY = statuses(404, admin=200)
# Demo accounts, each beside the role whose rights it has.
DEMO_ROLES = {"demo_officer": "officer", "demo_donor": "donor", "demo_visitor": "no_group"}


# --------------------------------------------------------------------------------------------
# Real files, each with bytes of its own (no two files of the world may share their bytes, or
# a public file would pass for a leak of a private one)
# --------------------------------------------------------------------------------------------
_colours = iter((n * 37 % 256, n * 91 % 256, n * 53 % 256) for n in range(1, 200))


def png(name: str):
    out = io.BytesIO()
    Image.new("RGB", (96, 64), next(_colours)).save(out, format="PNG")
    return upload(name, out.getvalue(), PNG)


def pdf(name: str, *lines: str):
    """A real PDF (its text readable by tests.access.body_text), uncompressed so that its lines
    are in its bytes."""
    from fpdf import FPDF

    document = FPDF()
    document.set_compression(False)
    document.add_page()
    document.set_font("helvetica", size=12)
    for line in (name, *lines):
        document.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return upload(name, bytes(document.output()), PDF)


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------
def add_demo_users(w: SimpleNamespace) -> None:
    demo = Group.objects.get_or_create(name=DEMO_GROUP)[0]
    groups = {"demo_officer": OFFICERS_GROUP, "demo_donor": DONORS_GROUP, "demo_visitor": None}
    for role, group in groups.items():
        user = factories.UserFactory(username=role.replace("_", "-"), password="!")
        user.groups.add(demo)
        if group:
            user.groups.add(Group.objects.get(name=group))
        if group == DONORS_GROUP:
            factories.DonorAccountFactory(user=user, donor=w.donor_a)
        w.users[role] = user
        signed_in = Client()
        signed_in.force_login(user)
        w.sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value


def build_file_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.donor_a = factories.DonorFactory(name="Donor Alpha", slug="donor-alpha")
    w.donor_b = factories.DonorFactory(name="Donor Beta", slug="donor-beta")
    access.add_users(w)
    add_demo_users(w)
    officer, admin = w.users["officer"], w.users["admin"]
    w.event = factories.EventFactory(slug="files-workshop")
    w.seizure = factories.SeizureFactory()
    w.project = factories.ProjectFactory(code="FILES1")
    w.article = factories.ArticleFactory(slug="files-article")
    w.draft = factories.ArticleFactory(slug="files-draft", status=Article.Status.DRAFT)
    w.gone_article = factories.ArticleFactory(slug="files-unpublished")
    w.demo_event = factories.EventFactory(slug="files-demo-workshop", is_demo=True)

    def photo(record, user, name, **values):
        values = {"title": name, "kind": "photo", "visibility": "public", "consent": CONSENT,
                  **values}
        return services.add(record, png(f"{name}.png"), user=user, **values)

    f = w.files = {}
    f["event_photo"] = photo(w.event, officer, "Opening")
    f["event_report"] = services.add(w.event, pdf("Report.pdf"), user=officer, title="Report",
                                     kind="report", visibility="public")
    f["project_report"] = services.add(w.project, pdf("Annual.pdf"), user=admin,
                                       title="Annual report", kind="report", visibility="public")
    f["article_photo"] = photo(w.article, admin, "Handover")
    f["attendance"] = services.add(w.event, pdf("Attendance.pdf", SECRET_LINE), user=officer,
                                   title="Attendance", kind="attendance_sheet")
    f["private_photo"] = photo(w.event, officer, "Inspection", visibility="staff", consent="")
    f["evidence"] = services.add(w.seizure, png("Evidence.png"), user=officer, title="Evidence",
                                 kind="evidence")
    f["draft_photo"] = photo(w.draft, admin, "Draft")
    f["demo_photo"] = photo(w.demo_event, officer, "Demo")
    f["demo_sheet"] = services.add(w.demo_event, pdf("Demo sheet.pdf", SECRET_LINE),
                                   user=officer, title="Demo sheet", kind="attendance_sheet")

    # Files whose public addresses worked once: each change runs its after-commit work at once
    # (the world's transaction is rolled back, never committed).
    w.old = {}
    removed = photo(w.event, officer, "Removed")
    w.removed = SimpleNamespace(pk=removed.pk, file_key=removed.file_key,
                                thumbnail_key=removed.thumbnail_key)
    w.old["removed"] = removed.public_key
    w.old["removed_thumb"] = removed.public_thumbnail_key
    made_private = f["made_private"] = photo(w.event, officer, "Made private")
    w.old["made_private"] = made_private.public_key
    replaced = f["replaced"] = photo(w.event, officer, "Replaced")
    w.old["replaced"] = replaced.public_key
    w.replaced_old_file = replaced.file_key
    unpublished = f["unpublished_article"] = photo(w.gone_article, admin, "Unpublished")
    w.old["unpublished_article"] = unpublished.public_key
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.remove(removed, expected_version=removed.version, user=officer)
        services.change(made_private, expected_version=made_private.version, user=officer,
                        visibility="staff", consent="")
        services.replace(replaced, png("Replaced again.png"),
                         expected_version=replaced.version, user=officer)
        w.gone_article.status = Article.Status.DRAFT
        w.gone_article.save()
    unpublished.refresh_from_db()
    w.missing_pk = Attachment.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000

    # What outsiders may never read: every byte string of a file they cannot open.
    w.secrets = {SECRET_LINE.encode()}
    for attachment in Attachment.objects.all():
        if attachment.readable_by(w.users["no_group"]):
            continue
        w.secrets.update(storage.read_bytes(k) for k in (attachment.file_key,
                                                         attachment.thumbnail_key) if k)
    w.secrets.add(storage.read_bytes(w.removed.file_key))
    w.secrets.add(storage.read_bytes(w.removed.thumbnail_key))
    w.secrets.add(storage.read_bytes(w.replaced_old_file))  # history keeps it; no address
    return w


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One media directory for the module's world and all its tests (this replaces the
    per-test directory of tests/attachments/conftest.py: the world's files outlive a test)."""
    with attachments_stored_in(tmp_path_factory.mktemp("file-matrix-media")) as root:
        yield root


@pytest.fixture(scope="module")
def world(media, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_file_world()
        transaction.set_rollback(True)


# --------------------------------------------------------------------------------------------
# Every answer an outsider gets is searched for the bytes they may not read
# --------------------------------------------------------------------------------------------
class LeakCheckingClient:
    """The test client, signed in as ``role``, that reads each answer whole (streamed files
    too, then handed on as they were) and fails when an outsider's answer holds a secret."""

    def __init__(self, client, world, role):
        self.client, self.world, self.role = client, world, role
        self.cookies = client.cookies
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]

    def _checked(self, response, method, path):
        if response.streaming:
            content = b"".join(response.streaming_content)
            response.streaming_content = [content]
        else:
            content = response.content
        response.raw = content
        if self.role in OUTSIDERS:
            headers = "\n".join(f"{k}: {v}" for k, v in response.items()).encode()
            leaked = any(secret in content or secret in headers for secret in self.world.secrets)
            assert not leaked, f"{method} {path} as {self.role}: holds a file they may not read"
        return response

    def get(self, path, **extra):
        return self._checked(self.client.get(path, **extra), "GET", path)

    def head(self, path, **extra):
        return self._checked(self.client.head(path, **extra), "HEAD", path)


def as_role(role, client, world) -> LeakCheckingClient:
    return LeakCheckingClient(client, world, role)


# --------------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------------
def pk(name):
    return lambda w: [w.files[name].pk]


def public(name, part="public_key"):
    """The public address's path of a file's current public copy (after ``public/``)."""
    return lambda w: [getattr(w.files[name], part).removeprefix(storage.PUBLIC)]


def old_public(name):
    return lambda w: [w.old[name].removeprefix(storage.PUBLIC)]


def edited_token(w):
    """The event photo's public address with one digit of its token changed."""
    token, name = w.files["event_photo"].public_key.removeprefix(storage.PUBLIC).split("/")
    return [f"{token[:-1]}{'0' if token[-1] != '0' else '1'}/{name}"]


def other_name(w):
    """A real token, with another name after it (the name is part of the address)."""
    token = w.files["event_photo"].public_key.removeprefix(storage.PUBLIC).split("/")[0]
    return [f"{token}/agenda.pdf"]


def file_token(w):
    """The attendance sheet's storage token, as if it were a public one."""
    token = w.files["attendance"].file_key.removeprefix(storage.FILES).split(".")[0]
    return [f"{token}/attendance.pdf"]


EXPECTATIONS = {
    # The portal's address, checked on every request.
    "files:file": Expect(PUBLIC, pk("event_photo"), content_type=PNG),
    "files:file#report": Expect(PUBLIC, pk("event_report"), content_type=PDF),
    "files:file#project_report": Expect(PUBLIC, pk("project_report"), content_type=PDF),
    "files:file#article_photo": Expect(PUBLIC, pk("article_photo"), content_type=PNG),
    # The sheet's names are participants' personal data: the marker engine looks for them too.
    "files:file#attendance": Expect(
        STAFF_ONLY, pk("attendance"), content_type=PDF,
        may_show={"personal": ("officer", "admin")}),
    "files:file#private_photo": Expect(STAFF_ONLY, pk("private_photo"), content_type=PNG),
    "files:file#evidence": Expect(STAFF_ONLY, pk("evidence"), content_type=PNG),
    "files:file#made_private": Expect(STAFF_ONLY, pk("made_private"), content_type=PNG),
    "files:file#draft_photo": Expect(ADMIN_ONLY, pk("draft_photo"), content_type=PNG),
    "files:file#unpublished_article": Expect(ADMIN_ONLY, pk("unpublished_article"),
                                                   content_type=PNG),
    "files:file#demo_photo": Expect(NOBODY, pk("demo_photo"), content_type=PNG),
    "files:file#demo_sheet": Expect(NOBODY, pk("demo_sheet"), content_type=PDF,
                                          may_show={"personal": ("officer", "admin")}),
    "files:file#removed": Expect(NOBODY, lambda w: [w.removed.pk]),
    "files:file#missing": Expect(NOBODY, lambda w: [w.missing_pk]),
    # Thumbnails: the file's own rule; none for a document.
    "files:thumbnail": Expect(PUBLIC, pk("event_photo"), content_type=IMAGE),
    "files:thumbnail#article_photo": Expect(PUBLIC, pk("article_photo"),
                                                  content_type=IMAGE),
    "files:thumbnail#report": Expect(NOBODY, pk("event_report")),
    "files:thumbnail#attendance": Expect(NOBODY, pk("attendance")),
    "files:thumbnail#private_photo": Expect(STAFF_ONLY, pk("private_photo"),
                                                  content_type=IMAGE),
    "files:thumbnail#evidence": Expect(STAFF_ONLY, pk("evidence"), content_type=IMAGE),
    "files:thumbnail#draft_photo": Expect(ADMIN_ONLY, pk("draft_photo"),
                                                content_type=IMAGE),
    "files:thumbnail#demo_photo": Expect(NOBODY, pk("demo_photo"), content_type=IMAGE),
    "files:thumbnail#removed": Expect(NOBODY, lambda w: [w.removed.pk]),
    "files:thumbnail#missing": Expect(NOBODY, lambda w: [w.missing_pk]),
    # Public copies: anyone with the address, while the file is published; nothing else.
    "files:public_file": Expect(PUBLIC, public("event_photo"), content_type=PNG),
    "files:public_file#thumbnail": Expect(
        PUBLIC, public("event_photo", "public_thumbnail_key"), content_type=IMAGE),
    "files:public_file#report": Expect(PUBLIC, public("event_report"), content_type=PDF),
    "files:public_file#project_report": Expect(PUBLIC, public("project_report"),
                                                     content_type=PDF),
    "files:public_file#article_photo": Expect(PUBLIC, public("article_photo"),
                                                    content_type=PNG),
    "files:public_file#replaced": Expect(PUBLIC, public("replaced"), content_type=PNG),
    "files:public_file#old_removed": Expect(NOBODY, old_public("removed")),
    "files:public_file#old_removed_thumbnail": Expect(NOBODY, old_public("removed_thumb")),
    "files:public_file#old_made_private": Expect(NOBODY, old_public("made_private")),
    "files:public_file#old_replaced": Expect(NOBODY, old_public("replaced")),
    "files:public_file#old_unpublished_article": Expect(
        NOBODY, old_public("unpublished_article")),
    "files:public_file#edited_token": Expect(NOBODY, edited_token),
    "files:public_file#other_name": Expect(NOBODY, other_name),
    "files:public_file#storage_token": Expect(NOBODY, file_token),
    "files:public_file#storage_key": Expect(
        NOBODY, lambda w: [w.files["attendance"].file_key]),
}

# What demo accounts get where it differs from the role whose rights they have.
DEMO_DIFFERENT = {
    "files:file#demo_photo": dict.fromkeys(DEMO_ROLES, 200),
    "files:thumbnail#demo_photo": dict.fromkeys(DEMO_ROLES, 200),
    "files:file#demo_sheet": {"demo_officer": 200, "demo_donor": 404, "demo_visitor": 404},
}


def demo_expectation(name: str) -> Expect:
    expect = EXPECTATIONS[name]
    status = {demo: DEMO_DIFFERENT.get(name, {}).get(demo, expect.status[role])
              for demo, role in DEMO_ROLES.items()}
    may_show = {marker: [demo for demo, role in DEMO_ROLES.items() if role in roles]
                for marker, roles in expect.may_show.items()}
    return dataclasses.replace(expect, status=status, may_show=may_show)


pytestmark = pytest.mark.django_db


def test_the_world_is_as_the_matrix_says(world):
    f = world.files
    assert all(f[name].public_key for name in (
        "event_photo", "event_report", "project_report", "article_photo", "replaced"))
    assert not any(f[name].public_key for name in (
        "attendance", "private_photo", "evidence", "draft_photo", "demo_photo", "demo_sheet",
        "made_private", "unpublished_article"))
    assert f["demo_photo"].is_demo and f["demo_sheet"].is_demo
    assert not Attachment.objects.filter(pk=world.removed.pk).exists()
    # The removed file stays for its history version; its public copy is gone.
    assert storage.exists(world.removed.file_key)
    assert not any(storage.exists(key) for key in world.old.values())
    assert SECRET_LINE.encode() in storage.read_bytes(f["attendance"].file_key)


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_never_a_file_it_may_not_read(name, role, world, client):
    response, _text = access.check_cell(EXPECTATIONS, name, role, world,
                                        as_role(role, client, world))
    if response.status_code == 200:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.raw  # a file, not an empty answer


@pytest.mark.parametrize(("name", "role"), [
    pytest.param(name, role, id=f"{name}-{role}") for name in EXPECTATIONS for role in DEMO_ROLES
])
def test_demo_accounts_alone_read_demo_files(name, role, world, client):
    expectations = {name: demo_expectation(name)}
    access.check_cell(expectations, name, role, world, as_role(role, client, world))


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_a_head_request_answers_as_the_get_and_sends_no_bytes(name, role, world, client):
    url = EXPECTATIONS[name].url(name, world)
    response = as_role(role, client, world).head(url)
    assert response.status_code == EXPECTATIONS[name].status[role], f"HEAD {url} as {role}"
    if response.status_code == 200:
        assert response.raw == b""
        assert response["Content-Type"].startswith(EXPECTATIONS[name].content_type)


def test_a_private_files_answer_is_kept_by_no_one_and_a_public_copy_for_a_year(world, client):
    officer = as_role("officer", client, world)
    private = officer.get(reverse("files:file", args=[world.files["attendance"].pk]))
    assert private["Cache-Control"] == "private, no-store"
    assert private["Content-Disposition"].startswith("attachment;")
    assert SECRET_LINE.encode() in private.raw
    client.cookies.clear()
    copy = as_role("anonymous", client, world).get(
        storage.public_url(world.files["event_photo"].public_key))
    assert copy["Cache-Control"] == "public, max-age=31536000, immutable"
    assert copy.get("Set-Cookie") is None


# --------------------------------------------------------------------------------------------
# Whatever address they try
# --------------------------------------------------------------------------------------------
def public_addresses(w, media) -> list[str]:
    """Addresses of the public file server a visitor could make up to reach a stored file that
    is not published: traversal with plain, encoded, double-encoded and overlong dots and
    slashes, backslashes, absolute paths, storage keys and tokens, another case, a NUL or a
    new line."""
    sheet = w.files["attendance"].file_key           # files/<hex>.pdf
    thumb = w.files["private_photo"].thumbnail_key   # files/<hex>-thumb.<ext>
    token = w.files["event_photo"].public_key.removeprefix(storage.PUBLIC).split("/")[0]
    name = sheet.removeprefix(storage.FILES)
    encoded = sheet.replace("/", "%2f")
    backslashed = sheet.replace("/", "\\")
    base = "/media/public/"
    return [
        base + f"../{sheet}",
        base + f"..%2f{sheet}",
        base + f"..%2F{sheet.replace('/', '%2F')}",
        base + f"%2e%2e%2f{encoded}",
        base + f"%252e%252e%252f{sheet.replace('/', '%252f')}",
        base + f"{token}/../../{sheet}",
        base + f"{token}/..%2f..%2f{encoded}",
        base + f"{token}%2f..%2f..%2f{encoded}",
        base + f"..\\{backslashed}",
        base + f"{token}/..%5c..%5c{sheet.replace('/', '%5c')}",
        base + f"%c0%ae%c0%ae/{sheet}",
        base + sheet,
        base + thumb,
        base + name,
        base + f"{name.split('.')[0]}/{name}",
        base + f"{name.split('.')[0]}/attendance.pdf",
        base + f"/{media}/{sheet}",
        base + f"{media}/{sheet}".lstrip("/"),
        base + "%2Fetc%2Fpasswd",
        base + "/etc/passwd",
        base + "../../../../../../etc/passwd",
        base + f"{token.upper()}/opening.png",
        base + f"{token}/opening.png%00.pdf",
        base + f"{token}/opening.png%0a",
        base + f"{token}/",
        base + token,
        base,
        f"/media/{sheet}",
        f"/media/public/../{sheet}",
        f"/media/{w.files['event_photo'].public_key}/../../{sheet}",
        f"/{sheet}",
    ]


def portal_addresses(w) -> list[str]:
    """Addresses of the portal's file server a visitor could make up: numbers that are no
    number, paths past the address, the admin's own file's number in another shape."""
    sheet = w.files["attendance"]
    return [
        f"/files/{sheet.pk}/../../media/{sheet.file_key}",
        f"/files/{sheet.pk}/thumbnail/../",
        f"/files/{sheet.pk}.0/",
        f"/files/{sheet.pk}/file/",
        f"/files/%20{sheet.pk}/",
        f"/files/{sheet.pk}/thumbnail/{sheet.file_key}",
        "/files/0/",
        "/files/-1/",
        "/files/99999999999999999999999999999/",
        "/files/99999999999999999999999999999/thumbnail/",
        f"/files/{sheet.file_key}",
    ]


def assert_refused(response, address, role):
    # 400: the portal refuses an address with a NUL before any view sees it.
    assert response.status_code in (404, 301, 400), (
        f"{address} as {role}: {response.status_code}")
    if response.status_code == 301:  # a slash added: a redirect within the site
        assert response["Location"].startswith("/"), address
    assert not response.raw.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"RIFF")), address


@pytest.mark.parametrize("role", [*OUTSIDERS, "officer", "admin"])
def test_no_made_up_public_address_reaches_a_stored_file(role, world, media, client):
    """The public server reads nothing but a published copy, for visitors and admins alike:
    every made-up address answers 404 (GET and HEAD), never a file; and an outsider's answer
    holds no byte of a file they may not read (LeakCheckingClient)."""
    visitor = as_role(role, client, world)
    for address in public_addresses(world, media):
        for method in (visitor.get, visitor.head):
            assert_refused(method(address), address, role)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_made_up_portal_address_opens_a_private_file(role, world, client):
    visitor = as_role(role, client, world)
    for address in portal_addresses(world):
        for method in (visitor.get, visitor.head):
            assert_refused(method(address), address, role)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_counting_through_the_numbers_opens_only_what_the_role_may_read(role, world, client):
    """A visitor who counts /files/1/, /files/2/, … (a file's own number, another record's,
    numbers past the last) reads exactly the files they may read, each with its own bytes."""
    from django.contrib.auth.models import AnonymousUser

    visitor = as_role(role, client, world)
    user = world.users.get(role) or AnonymousUser()
    attachments = {a.pk: a for a in Attachment.objects.all()}
    readable = {number for number, a in attachments.items() if a.readable_by(user)}
    assert readable == {world.files[n].pk for n in (
        "event_photo", "event_report", "project_report", "article_photo", "replaced")}
    numbers = set(range(max(1, min(attachments) - 2), max(attachments) + 3))
    numbers |= {world.removed.pk, world.event.pk, world.seizure.pk, world.project.pk,
                world.article.pk, world.draft.pk}
    for number in sorted(numbers):
        for part, key in (("file", "file_key"), ("thumbnail", "thumbnail_key")):
            response = visitor.get(reverse(f"files:{part}", args=[number]))
            stored = getattr(attachments[number], key) if number in readable else ""
            if stored:
                assert response.status_code == 200, (number, part)
                assert response.raw == storage.read_bytes(stored)
            else:
                assert response.status_code == 404, (number, part)


def test_the_public_server_answers_only_what_storage_publish_writes(world):
    """The shape of the public address (views.PUBLIC_PATH): a token and a slug name, never a
    folder of the storage's or a path out of it."""
    from attachments.views import PUBLIC_PATH

    for attachment in world.files.values():
        for key in (attachment.public_key, attachment.public_thumbnail_key):
            if key:
                assert PUBLIC_PATH.match(key.removeprefix(storage.PUBLIC)), key
    for attachment in Attachment.objects.all():
        for key in (attachment.file_key, attachment.thumbnail_key):
            if key:
                assert not PUBLIC_PATH.match(key), key
                assert not PUBLIC_PATH.match(key.removeprefix(storage.FILES)), key
