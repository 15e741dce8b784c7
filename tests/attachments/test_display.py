"""A record's files on its page ({% record_files %}, attachments/templatetags/attachment_tags.py):
public photos as a gallery and documents as a list for everyone who sees the record, files for
officers and admins only to them, demo files to demo accounts, each linking to its public copy
while published and to the portal's checked address otherwise; one query for the files however
many there are, and anonymous pages still served from the page cache."""

import re
import secrets

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities.models import Article
from attachments import services, storage
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_upload, png_upload
from tests.querycount import assert_constant_queries, count_queries
from unodc_portal.core.roles import DEMO_GROUP

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."
ROLES = ("anonymous", "no_group", "donor", "officer", "admin")
SEES_PRIVATE = {"officer", "admin"}
PRIVATE_MARK = "Officers and admins only"
SECTION = 'id="files-heading"'
MANAGE_KEY = {"event": "slug", "seizure": "pk", "project": "code", "article": "slug"}


@pytest.fixture
def officer(officer_user):
    return officer_user


def client_as(role, client, request):
    if role == "no_group":
        client.force_login(factories.UserFactory(username="no-group"))
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(f"{role}_user"))
    return client


def demo_user():
    user = factories.UserFactory(username="demo-someone")
    user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    return user


def public_photo(record, user, **values):
    values = {"title": "Opening session", "kind": "photo", "visibility": "public",
              "consent": CONSENT, "caption": "Trainees at the opening session",
              "credit": "A. Photographer", "alt_text": "Twenty officers seated in a classroom",
              **values}
    return services.add(record, png_upload(), user=user, **values)


def attendance_sheet(record, user, **values):
    values = {"title": "Signed attendance sheet", "kind": "attendance_sheet", **values}
    return services.add(record, pdf_upload("sheet.pdf"), user=user, **values)


def public_agenda(record, user, **values):
    values = {"title": "Workshop agenda", "kind": "agenda", "visibility": "public", **values}
    return services.add(record, pdf_upload(), user=user, **values)


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def img_tags(html):
    return re.findall(r"<img [^>]*>", html)


def links(html):
    return re.findall(r'href="([^"]+)"', html)


# --- who sees what --------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_public_photo_for_every_role_and_the_attendance_sheet_for_officers_and_admins_only(
        role, client, request, officer):
    event = factories.EventFactory()
    photo = public_photo(event, officer)
    sheet = attendance_sheet(event, officer)
    internal = public_photo(event, officer, visibility="staff", caption="Internal group picture",
                            alt_text="The team behind the scenes")
    html = html_of(client_as(role, client, request), event.get_absolute_url())

    assert "Trainees at the opening session" in html
    assert "Photo: A. Photographer" in html
    [img] = [tag for tag in img_tags(html) if "Twenty officers" in tag]
    assert 'alt="Twenty officers seated in a classroom"' in img
    assert storage.public_url(photo.public_thumbnail_key) in img
    assert storage.public_url(photo.public_key) in links(html)  # the full image
    sheet_url = reverse("files:file", args=[sheet.pk])
    if role in SEES_PRIVATE:
        assert "Signed attendance sheet" in html and PRIVATE_MARK in html
        assert sheet_url in links(html)
        assert "Attendance sheet · PDF, " in html  # kind, type and size
        [thumb] = [tag for tag in img_tags(html) if "behind the scenes" in tag]
        assert f'src="{reverse("files:thumbnail", args=[internal.pk])}"' in thumb
        assert reverse("files:file", args=[internal.pk]) in links(html)
        # The private files come after the heading that says who sees them.
        assert html.index(PRIVATE_MARK) < html.index("Internal group picture")
        assert html.index(PRIVATE_MARK) > html.index("Trainees at the opening session")
    else:
        assert "Signed attendance sheet" not in html and PRIVATE_MARK not in html
        assert sheet_url not in html
        assert "Internal group picture" not in html and "behind the scenes" not in html
        assert f"/files/{internal.pk}/" not in html


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["event", "seizure", "project", "article"])
def test_every_record_page_lists_its_files_and_the_manage_link_for_those_who_may_edit(
        kind, role, client, request, officer):
    record = {"event": factories.EventFactory, "seizure": factories.SeizureFactory,
              "project": factories.ProjectFactory, "article": factories.ArticleFactory}[kind]()
    agenda = public_agenda(record, officer)
    minutes = attendance_sheet(record, officer, title="Internal minutes", kind="other")
    html = html_of(client_as(role, client, request), record.get_absolute_url())

    assert "Workshop agenda" in html and storage.public_url(agenda.public_key) in html
    assert "Agenda · PDF, " in html
    assert ("Internal minutes" in html) == (role in SEES_PRIVATE)
    assert (reverse("files:file", args=[minutes.pk]) in html) == (role in SEES_PRIVATE)
    manage = reverse(f"attachments:{kind}_files", args=[getattr(record, MANAGE_KEY[kind])])
    # Officers on events and seizures; admins everywhere; nobody else.
    may_edit = role == "admin" or (role == "officer" and kind in ("event", "seizure"))
    assert (manage in links(html)) == may_edit
    assert ("Manage files" in html) == may_edit


def test_a_record_without_files_shows_nothing_to_a_visitor(client, officer):
    event = factories.EventFactory()
    html = html_of(client, event.get_absolute_url())
    assert SECTION not in html and "Photos and documents" not in html


def test_a_record_with_only_private_files_shows_nothing_to_a_donor(client, donor_user, officer):
    event = factories.EventFactory()
    attendance_sheet(event, officer)
    client.force_login(donor_user)
    assert SECTION not in html_of(client, event.get_absolute_url())


def test_an_officer_gets_the_manage_link_on_a_record_without_files(officer_client):
    event = factories.EventFactory()
    html = html_of(officer_client, event.get_absolute_url())
    assert SECTION in html and "No files yet." in html
    assert reverse("attachments:event_files", args=[event.slug]) in links(html)


def test_a_draft_articles_photo_is_shown_to_admins_only_through_the_portal_address(
        client, admin_user, officer):
    article = factories.ArticleFactory(status=Article.Status.DRAFT)
    photo = public_photo(article, officer)
    assert photo.public_key == ""  # a draft's photo is not published
    html_of(client, article.get_absolute_url(), status=404)  # the page itself is not shown

    client.force_login(admin_user)
    html = html_of(client, article.get_absolute_url())
    [img] = [tag for tag in img_tags(html) if "Twenty officers" in tag]
    assert f'src="{reverse("files:thumbnail", args=[photo.pk])}"' in img
    assert reverse("files:file", args=[photo.pk]) in links(html)
    assert "/media/public/" not in html


def test_a_demo_events_file_is_shown_to_demo_accounts_only(client, officer):
    demo = demo_user()
    event = factories.EventFactory(is_demo=True)
    photo = public_photo(event, demo)
    assert photo.is_demo and photo.public_key == ""
    html_of(client, event.get_absolute_url(), status=404)

    client.force_login(demo)
    html = html_of(client, event.get_absolute_url())
    assert "Trainees at the opening session" in html
    assert reverse("files:file", args=[photo.pk]) in links(html)


def test_a_demo_file_on_a_real_event_is_shown_to_demo_accounts_only(client, officer):
    event = factories.EventFactory()
    photo = public_photo(event, officer)
    Attachment.objects.filter(pk=photo.pk).update(is_demo=True, public_key="",
                                                  public_thumbnail_key="")
    client.force_login(officer)
    assert "Trainees at the opening session" not in html_of(client, event.get_absolute_url())

    client.force_login(demo_user())
    assert "Trainees at the opening session" in html_of(client, event.get_absolute_url())


def test_a_published_file_links_its_public_address_and_an_unpublished_one_the_portal(
        client, officer, django_capture_on_commit_callbacks):
    event = factories.EventFactory()
    photo = public_photo(event, officer)
    agenda = public_agenda(event, officer)
    html = html_of(client, event.get_absolute_url())
    for url in (storage.public_url(photo.public_key), storage.public_url(agenda.public_key)):
        assert url.startswith("/media/public/") and url in links(html)
        assert client.get(url).status_code == 200
    assert "/files/" not in html  # a visitor's page needs no checked address

    with django_capture_on_commit_callbacks(execute=True):
        services.change(agenda, expected_version=agenda.version, user=officer,
                        visibility="staff")
    client.force_login(officer)
    html = html_of(client, event.get_absolute_url())
    assert reverse("files:file", args=[agenda.pk]) in links(html)
    assert storage.public_url(photo.public_key) in links(html)


def test_the_russian_page_shows_the_russian_caption_and_marks_english_fallbacks(
        client, officer):
    event = factories.EventFactory()
    public_photo(event, officer, caption_ru="Слушатели на открытии", alt_text_ru="")
    public_agenda(event, officer, title_ru="")
    with translation.override("ru"):
        url = event.get_absolute_url()
    assert url.startswith("/ru/")
    html = html_of(client, url)
    assert "Слушатели на открытии" in html
    assert "Trainees at the opening session" not in html
    # No Russian alternative text or title: the English one, said to be English.
    [img] = [tag for tag in img_tags(html) if "Twenty officers" in tag]
    assert 'lang="en"' in img
    assert re.search(r'<a href="/media/public/[^"]+" lang="en">Workshop agenda</a>', html)
    assert "PDF, 202\xa0байта" in html  # noqa: RUF001 (the size in Russian)


def test_what_an_officer_typed_is_shown_as_text_never_as_markup(client, officer):
    event = factories.EventFactory()
    public_photo(event, officer, caption='<script>alert("caption")</script>',
                 credit="<b>credit</b>", alt_text='" onerror="alert(1)')
    html = html_of(client, event.get_absolute_url())
    assert "<script>alert" not in html and "<b>credit</b>" not in html
    assert "&lt;script&gt;" in html
    assert 'onerror="alert' not in html


# --- queries and the page cache ----------------------------------------------------------------
def add_files(record, field, n):
    """``n`` rows of each sort the section shows (public photo, public document, private
    document); the bytes are not needed to render the page."""
    for _ in range(n):
        for kind, visibility, mime, ext in (
                ("photo", "public", "image/png", "png"), ("report", "public", "application/pdf",
                                                          "pdf"),
                ("attendance_sheet", "staff", "application/pdf", "pdf")):
            token = secrets.token_hex(16)
            public = visibility == "public"
            Attachment.objects.create(
                **{field: record}, title=f"{kind} {token[:6]}", kind=kind, visibility=visibility,
                consent=CONSENT if kind == "photo" else "", mime_type=mime, extension=ext,
                size=123_456, display_name=f"file.{ext}", file_key=f"files/{token}.{ext}",
                thumbnail_key=f"files/{token}-thumb.jpg" if ext == "png" else "",
                public_key=f"public/{token}/file.{ext}" if public else "",
                public_thumbnail_key=f"public/{token}/thumb.jpg" if public and ext == "png"
                else "",
                width=64 if ext == "png" else None, height=48 if ext == "png" else None,
            )


PAGES = {
    # record, field, budget for a visitor, for an officer: the pages' own budgets
    # (tests/activities/test_pages_*.py).
    "event": (lambda: factories.EventFactory(organiser=factories.OrganisationFactory()), 15, 22),
    "seizure": (factories.SeizureFactory, 15, 22),
    "project": (factories.ProjectFactory, 15, 22),
    "article": (factories.ArticleFactory, 15, 22),
}


@pytest.mark.parametrize("role", ["anonymous", "officer", "admin"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_a_record_page_runs_the_same_queries_at_1_and_30_files(kind, role, client, request):
    make, anonymous_budget, signed_in_budget = PAGES[kind]
    record = make()
    client = client_as(role, client, request)
    assert_constant_queries(
        client, record.get_absolute_url(), lambda n: add_files(record, kind, n),
        anonymous_budget if role == "anonymous" else signed_in_budget)
    html = html_of(client, record.get_absolute_url())
    assert html.count("<figure") == 30  # the files were shown, not skipped
    assert html.count('href="/files/') == (30 if role != "anonymous" else 0)


@pytest.mark.parametrize("kind", list(PAGES))
def test_the_files_cost_a_visitors_page_one_query_whether_there_are_any_or_not(kind, client):
    make, _anonymous_budget, _signed_in_budget = PAGES[kind]
    record = make()
    url = record.get_absolute_url()
    client.get(url)
    without, sql_without = count_queries(client, url)
    add_files(record, kind, 2)
    with_files, sql = count_queries(client, url)
    assert with_files == without
    assert sum("attachments_attachment" in q for q in sql_without) == 1
    assert sum("attachments_attachment" in q for q in sql) == 1


def test_an_anonymous_page_with_files_is_served_from_the_page_cache(settings, officer):
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "portal_cache"}}
    caches["default"].clear()
    event = factories.EventFactory()
    photo = public_photo(event, officer)
    url = event.get_absolute_url()
    first = Client().get(url)
    assert first["X-Page-Cache"] == "miss" and not first.cookies
    second = Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    assert storage.public_url(photo.public_key) in second.content.decode()
    caches["default"].clear()
