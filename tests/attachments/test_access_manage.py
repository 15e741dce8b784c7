"""Who may open the pages that change files — a record's files page (events, seizures,
projects, articles) and one file's details, replacement and removal — for every role (the
engine is tests/access.py; tests/portal/test_access_coverage.py reads ``EXPECTATIONS``).

Officers change files on events and seizures; admins on every record; anonymous visitors are
sent to sign in; any other account gets 403; a record or file the reader cannot see (a demo
event's, a number that does not exist) is 404 for those who otherwise may. A POST by anyone
who may not change files writes nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import transaction
from django.urls import reverse

from attachments import services
from tests import access, factories
from tests.access import LOGIN, OFFICERS, Expect, statuses
from tests.attachments.files import attachments_stored_in, pdf_upload

ADMINS = statuses(403, anonymous=LOGIN, admin=200)
NOT_SEEN = statuses(403, anonymous=LOGIN, officer=404, admin=404)


# Addresses of things that do not exist: the same answers as a record or file one may not see.
MISSING_SLUG = "manage-demo-workshop"
MISSING_PK = 2_000_000_000


def build_manage_world() -> SimpleNamespace:
    """The matrix's world (tests/access.py: its event's file, its project's file) and a demo
    event with a file, which only demo accounts see. The expectations also hold on the plain
    matrix world (the walks of every page use it): there the demo addresses name nothing, and
    the answers are the same."""
    w = access.build_world()
    w.demo_event = factories.EventFactory(slug=MISSING_SLUG, is_demo=True)
    w.demo_attachment = services.add(w.demo_event, pdf_upload(), user=w.users["officer"],
                                     title="Demo agenda", kind="agenda")
    return w


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One media directory for the module's world (it outlives a test)."""
    with attachments_stored_in(tmp_path_factory.mktemp("manage-matrix-media")) as root:
        yield root


@pytest.fixture(scope="module")
def world(media, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_manage_world()
        transaction.set_rollback(True)


def demo_file(w):
    demo = getattr(w, "demo_attachment", None)
    return [demo.pk if demo else MISSING_PK]


EXPECTATIONS = {
    "attachments:event_files": Expect(OFFICERS, lambda w: [w.event.slug]),
    "attachments:event_files#demo": Expect(NOT_SEEN, lambda w: [MISSING_SLUG]),
    "attachments:event_files#missing": Expect(NOT_SEEN, lambda w: ["no-such-event"]),
    "attachments:seizure_files": Expect(OFFICERS, lambda w: [w.seizure.pk]),
    "attachments:seizure_files#missing": Expect(NOT_SEEN, lambda w: [w.seizure.pk + 1000]),
    "attachments:project_files": Expect(ADMINS, lambda w: [w.project.code]),
    "attachments:article_files": Expect(ADMINS, lambda w: [w.article.slug]),
    # The draft's title is shown to admins, who may see drafts.
    "attachments:article_files#draft": Expect(ADMINS, lambda w: [w.draft.slug],
                                              shows={"draft": ["admin"]}),
    **{
        f"attachments:{page}{variant}": Expect(status, args)
        for page in ("file_edit", "file_replace", "file_remove")
        for variant, status, args in (
            ("", OFFICERS, lambda w: [w.attachment.pk]),
            ("#project", ADMINS, lambda w: [w.project_attachment.pk]),
            ("#demo", NOT_SEEN, demo_file),
            ("#missing", NOT_SEEN, lambda w: [MISSING_PK]),
        )
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("anonymous", "no_group", "donor", "other_donor"))
def test_a_post_by_anyone_who_may_not_change_files_writes_nothing(role, world, client):
    client = access.client_for(role, client, world)
    attachment = w_file = world.attachment
    before = access.every_row_count()
    posts = {
        reverse("attachments:event_files", args=[world.event.slug]):
            {"files": [pdf_upload()], "kind": "agenda", "visibility": "staff"},
        reverse("attachments:file_edit", args=[w_file.pk]):
            {"record_version": "1", "title": "Changed", "kind": "agenda",
             "visibility": "staff"},
        reverse("attachments:file_replace", args=[w_file.pk]):
            {"record_version": "1", "file": pdf_upload(text="other")},
        reverse("attachments:file_remove", args=[w_file.pk]): {"record_version": "1"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    assert access.every_row_count() == before
    attachment.refresh_from_db()
    assert attachment.title == "Matrix agenda" and attachment.version == 1
