"""The page cache (unodc_portal/core/pagecache.py): anonymous pages served from the shared cache,
one entry per address, never for a signed-in request or one with a token, and out of date at
once after every write — the portal's forms, the admin (inlines and bulk actions), imports,
merges, exchange rates and the commands that write in bulk. A cache that does not answer costs
speed, never a page.

The tests run on the database cache (the default without REDIS_URL) and, where marked, on Redis
too (database 5 of 127.0.0.1:6379; skipped where Redis does not answer, failed under CI=true).
The writers' tests commit (transactional tests): an invalidation runs at commit, and a test
whose transaction never commits would never see one."""

import datetime
import io
import json
import os
import re
import secrets
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from activities.models import Event, Participant
from donors.models import Contribution
from tests import access, factories
from tests.activities.test_access import EXPECTATIONS as ACTIVITIES_PAGES
from tests.activities.test_concurrency import admin_form
from tests.activities.test_event_entry import event_data
from tests.activities.test_import import csv_file
from tests.donors.test_access import EXPECTATIONS as DONORS_PAGES
from tests.portal.test_access import EXPECTATIONS as PORTAL_PAGES
from unodc_portal.core import pagecache

pytestmark = pytest.mark.django_db
# Writes committed for real: the invalidations run at commit, as in production.
COMMITTED = pytest.mark.django_db(transaction=True)

REDIS_TEST_URL = "redis://127.0.0.1:6379/5"
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache",
}
REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL,
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"Redis does not answer at {REDIS_TEST_URL}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def page_cache(settings):
    """The page cache on, in the database cache."""
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": DATABASE_CACHE}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


@pytest.fixture(params=["database", "redis"])
def any_page_cache(request, settings):
    """The page cache on, in the database cache, then in Redis (under a key prefix of its own:
    other test processes and the two-server test share that Redis database)."""
    settings.PAGE_CACHE = True
    if request.param == "database":
        settings.CACHES = {"default": DATABASE_CACHE}
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()
        return
    redis_or_skip()
    import redis

    prefix = f"test-{secrets.token_hex(6)}"
    settings.CACHES = {"default": {**REDIS_CACHE, "KEY_PREFIX": prefix}}
    yield caches["default"]
    client = redis.Redis.from_url(REDIS_TEST_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def anonymous(url, **extra):
    """A visitor's first look: a client with no cookie at all."""
    return Client().get(url, **extra)


def state(response):
    return response["X-Page-Cache"]


def warm(url):
    """The page, stored, and served from the cache on the next look."""
    first = anonymous(url)
    assert first.status_code == 200 and state(first) == "miss", (url, first.status_code)
    second = anonymous(url)
    assert state(second) == "hit", url
    assert second.content == first.content
    return second.content.decode()


def registered(html):
    return re.search(r"Registered in the portal</dt>\s*<dd[^>]*>([^<]+)<", html).group(1)


# --------------------------------------------------------------------------------------------
# What is cached, and for whom
# --------------------------------------------------------------------------------------------
def test_a_page_is_stored_then_served_from_the_cache(any_page_cache):
    factories.EventFactory(title="Border liaison workshop")
    html = warm(reverse("activities:event_list"))
    assert "Border liaison workshop" in html


def test_each_address_has_its_own_entry(page_cache):
    """Path, query string and host each make another entry (a later Russian version under /ru/
    caches apart)."""
    factories.EventFactory(title="Border liaison workshop")
    url = reverse("activities:event_list")
    warm(url)
    assert state(anonymous(url + "?q=border")) == "miss"
    assert state(anonymous(url + "?q=border")) == "hit"
    assert state(anonymous(url, HTTP_HOST="localhost")) == "miss"
    assert state(anonymous(url, HTTP_HOST="localhost")) == "hit"

    seen = []

    def view(request):
        seen.append(request.path)
        return HttpResponse(f"page at {request.path}")

    middleware = pagecache.PageCacheMiddleware(view)
    factory = RequestFactory()
    for path in ["/probe/", "/ru/probe/", "/probe/", "/ru/probe/"]:
        response = middleware(factory.get(path))
        assert response.content.decode() == f"page at {path}"
    assert seen == ["/probe/", "/ru/probe/"]


def test_a_cached_page_is_not_kept_by_the_browser(page_cache):
    url = reverse("activities:event_list")
    for response in (anonymous(url), anonymous(url)):
        assert "max-age=0" in response["Cache-Control"]
        assert not response.has_header("Expires")


def test_a_donor_tokens_answer_never_reaches_an_anonymous_client(page_cache, donor_user):
    from rest_framework.authtoken.models import Token

    donor = donor_user.donor_account.donor
    factories.ContributionFactory(donor=donor, key="open-one", is_published=True)
    factories.ContributionFactory(donor=donor, key="secret-one", is_published=False)
    token = Token.objects.create(user=donor_user)
    url = reverse("opendata:contribution-list")
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    # The token's answer first: not stored.
    with_token = anonymous(url, **auth)
    assert state(with_token) == "bypass" and "secret-one" in with_token.content.decode()
    first = anonymous(url)
    assert state(first) == "miss" and "secret-one" not in first.content.decode()
    # Then the anonymous answer is cached: the token is not served it.
    assert state(anonymous(url)) == "hit"
    again = anonymous(url, **auth)
    assert state(again) == "bypass" and "secret-one" in again.content.decode()
    assert "secret-one" not in anonymous(url).content.decode()


def test_a_signed_in_visitor_neither_reads_nor_writes_the_cache(page_cache, donor_user, client):
    factories.ContributionFactory(
        donor=donor_user.donor_account.donor, key="secret-one", is_published=False
    )
    url = reverse("opendata:contribution-list")
    html = warm(url)
    assert "secret-one" not in html
    client.force_login(donor_user)
    signed_in = client.get(url)
    assert state(signed_in) == "bypass"
    assert "secret-one" in signed_in.content.decode()
    assert "private" in signed_in["Cache-Control"]
    # A session cookie, even one that no longer signs anyone in, never reads the cache.
    stale = Client()
    stale.cookies["sessionid"] = "no-such-session"
    assert state(stale.get(url)) == "bypass"
    # Nor does a message waiting to be shown.
    waiting = Client()
    waiting.cookies["messages"] = "something"
    assert state(waiting.get(url)) == "bypass"
    assert "secret-one" not in anonymous(url).content.decode()


EXPECTATIONS = {**PORTAL_PAGES, **ACTIVITIES_PAGES, **DONORS_PAGES}


def test_no_anonymous_page_carries_a_csrf_token_or_sets_a_cookie(page_cache):
    """Every page the permission matrix gives an anonymous visitor: no CSRF token, no cookie;
    a page is stored and served from the cache unless it is a download (streamed) or one of
    the sign-in and password pages, which carry forms and are never cached."""
    world = access.build_world()
    problems, stored = [], 0
    for name, expect in sorted(EXPECTATIONS.items()):
        if expect.status["anonymous"] != 200:
            continue
        url = expect.url(name, world)
        response = anonymous(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        if url.startswith(pagecache.NEVER_CACHED):
            if state(response) != "bypass":
                problems.append(f"{url}: a form page went to the cache")
            continue
        if response.cookies or response.has_header("Set-Cookie"):
            problems.append(f"{url}: sets a cookie ({list(response.cookies)})")
        if "csrfmiddlewaretoken" in access.body_text(response):
            problems.append(f"{url}: carries a CSRF token")
        wanted = "bypass" if response.streaming else "miss"
        if state(response) != wanted:
            problems.append(f"{url}: {state(response)}, not {wanted}")
        elif not response.streaming:
            again = anonymous(url)
            if state(again) != "hit" or again.content != response.content:
                problems.append(f"{url}: not served from the cache the second time")
            stored += 1
    assert not problems, "\n".join(problems)
    assert stored > 30  # the walk reached the pages


def test_the_sign_in_page_is_never_cached(page_cache):
    response = anonymous(reverse("login"))
    assert state(response) == "bypass"
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert state(anonymous(reverse("login"))) == "bypass"


# --------------------------------------------------------------------------------------------
# Invalidation: every write
# --------------------------------------------------------------------------------------------
@COMMITTED
def test_a_new_event_recorded_by_an_officer_is_on_the_next_anonymous_page(
    any_page_cache, officer_client
):
    url = reverse("activities:event_list")
    assert "Precursor control workshop" not in warm(url)
    response = officer_client.post(reverse("activities:event_create"), event_data())
    assert response.status_code == 302, response.content.decode()[:500]
    after = anonymous(url)
    assert state(after) == "miss"
    assert "Precursor control workshop" in after.content.decode()


@COMMITTED
def test_an_admin_change_in_an_inline_is_on_the_next_anonymous_page(
    page_cache, admin_client
):
    contribution = factories.ContributionFactory(key="inline-one", amount=Decimal("1000"))
    api = reverse("opendata:contribution-detail", args=["inline-one"])
    assert '"1000.00"' in warm(api)
    url = reverse("admin:activities_project_change", args=[contribution.project.pk])
    data = admin_form(admin_client, url)
    amount = next(k for k in data if k.endswith("-amount") and k.startswith("contributions"))
    data[amount] = "2468"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = anonymous(api)
    assert state(after) == "miss" and '"2468.00"' in after.content.decode()


@COMMITTED
def test_an_admin_bulk_delete_is_on_the_next_anonymous_page(
    page_cache, admin_client
):
    doomed = factories.ContributionFactory(key="doomed-one")
    factories.ContributionFactory(key="staying-one")
    api = reverse("opendata:contribution-list")
    assert "doomed-one" in warm(api)
    response = admin_client.post(reverse("admin:donors_contribution_changelist"), {
        "action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes",
    })
    assert response.status_code == 302
    assert not Contribution.objects.filter(key="doomed-one").exists()
    after = anonymous(api)
    assert state(after) == "miss"
    assert "doomed-one" not in after.content.decode() and "staying-one" in after.content.decode()


@COMMITTED
def test_a_write_that_sends_no_signal_invalidates_by_its_request(
    page_cache
):
    """An admin action or a service may write with ``update()`` (no signal): any unsafe request
    answered below 400 invalidates; a refused one (400 and above) and a sign-in do not."""
    event = factories.EventFactory(title="Before")

    def rename(request):
        Event.objects.filter(pk=event.pk).update(title="After")
        return HttpResponse(status=302)

    middleware = pagecache.PageCacheMiddleware(rename)
    factory = RequestFactory()
    url = reverse("activities:event_detail", args=[event.slug])
    assert "Before" in warm(url)
    pagecache.PageCacheMiddleware(lambda r: HttpResponse(status=403))(factory.post("/x/"))
    pagecache.PageCacheMiddleware(lambda r: HttpResponse(status=302))(
        factory.post(reverse("login"))
    )
    assert state(anonymous(url)) == "hit"
    middleware(factory.post("/admin/activities/event/"))
    after = anonymous(url)
    assert state(after) == "miss" and "After" in after.content.decode()


@COMMITTED
def test_a_confirmed_import_is_on_the_next_anonymous_page(
    page_cache, officer_client
):
    event = factories.EventFactory(slug="planning")
    url = reverse("activities:event_detail", args=[event.slug])
    assert registered(warm(url)) == "0"
    rows = [[f"Person {n} Example", "", "", "", "", "", ""] for n in "ABCD"]
    preview = officer_client.post(
        reverse("activities:participant_import", args=[event.slug]),
        {"file": csv_file(rows), "source": "partner_list", "contact_consent": "yes"},
    )
    assert preview.status_code == 302
    assert registered(anonymous(url).content.decode()) == "0"  # a preview writes nothing shown
    assert officer_client.post(preview["Location"]).status_code == 302
    after = anonymous(url)
    assert state(after) == "miss" and registered(after.content.decode()) == "4"


@COMMITTED
def test_a_merge_is_on_the_next_anonymous_page(
    page_cache, officer_client
):
    event = factories.EventFactory()
    people = [factories.ParticipationFactory(event=event).participant for _ in range(4)]
    url = reverse("activities:event_detail", args=[event.slug])
    assert registered(warm(url)) == "4"
    merge = reverse("activities:participant_merge", args=[people[0].pk, people[1].pk])
    response = officer_client.post(merge, {"keep": people[0].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Participant.objects.filter(pk=people[1].pk).exists()
    after = anonymous(url)
    assert state(after) == "miss" and registered(after.content.decode()) == "3"


@COMMITTED
def test_an_exchange_rate_entered_in_the_admin_is_on_the_next_anonymous_page(
    any_page_cache, admin_client
):
    factories.ContributionFactory(
        key="in-euro", amount=Decimal("1000"), currency="EUR", date=datetime.date(1999, 4, 15)
    )
    api = reverse("opendata:contribution-detail", args=["in-euro"])
    assert "no rate for EUR, April 1999" in warm(api)
    response = admin_client.post(reverse("admin:donors_exchangerate_add"), {
        "currency": "EUR", "month": "1999-04-01", "usd_per_unit": "1.25",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    after = anonymous(api)
    assert state(after) == "miss"
    assert '"1250.00"' in after.content.decode()


@COMMITTED
def test_loading_the_fixtures_is_on_the_next_anonymous_page(page_cache):
    url = reverse("activities:article_list")
    warm(url)
    call_command("load_fixtures", verbosity=0)
    after = anonymous(url)
    assert state(after) == "miss"
    from activities.models import Article

    assert Article.objects.exists()
    assert Article.objects.order_by("-id").first().title in after.content.decode()


@pytest.mark.parametrize("command", ["rebuild_summaries", "migrate"])
def test_commands_that_write_without_signals_invalidate(page_cache, command):
    """rebuild_summaries updates in bulk; migrate (run by every start of make serve) may
    change data by SQL, and a new release's templates render pages anew."""
    url = reverse("activities:event_list")
    warm(url)
    call_command(command, verbosity=0, stdout=io.StringIO())
    assert state(anonymous(url)) == "miss"


@COMMITTED
def test_removing_the_demo_invalidates(page_cache, demo_world):
    url = reverse("activities:event_list")
    warm(url)
    call_command("remove_demo", stdout=io.StringIO())
    assert state(anonymous(url)) == "miss"


def test_one_invalidation_per_transaction_however_many_records(
    page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        factories.EventFactory.create_batch(5)
    assert callbacks.count(pagecache._invalidate_on_commit_callback) == 1


def test_a_rolled_back_write_leaves_the_next_one_to_invalidate(
    page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                factories.EventFactory()
                raise RuntimeError
        except RuntimeError:
            pass
        factories.EventFactory()
    assert callbacks.count(pagecache._invalidate_on_commit_callback) == 1


def test_bookkeeping_does_not_invalidate(page_cache, django_capture_on_commit_callbacks, client):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        client.force_login(user)  # a session, the last sign-in time
    assert pagecache._invalidate_on_commit_callback not in callbacks


@pytest.mark.django_db(transaction=True)
def test_a_restore_is_on_the_next_anonymous_page(page_cache, tmp_path):
    """Committed for real: the invalidations run at commit, not by the test's hand."""
    factories.EventFactory(title="Restored workshop")
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    url = reverse("activities:event_list")
    assert "Restored workshop" not in warm(url)
    call_command("restore", path, verbosity=0)
    after = anonymous(url)
    assert state(after) == "miss" and "Restored workshop" in after.content.decode()
    # And a plain save, committed: invalidated by the signal at commit.
    assert state(anonymous(url)) == "hit"
    Event.objects.filter(title="Restored workshop").get().save()
    assert state(anonymous(url)) == "miss"


# --------------------------------------------------------------------------------------------
# A cache that does not answer
# --------------------------------------------------------------------------------------------
@COMMITTED
@pytest.mark.parametrize(
    "backend",
    [
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": "redis://127.0.0.1:9/0", "OPTIONS": {"socket_connect_timeout": 1}},
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_table"},
    ],
    ids=["redis-down", "database-cache-table-missing"],
)
def test_pages_are_served_uncached_when_the_cache_does_not_answer(
    backend, settings, officer_client
):
    settings.PAGE_CACHE = True
    settings.CACHES = {"default": backend}
    factories.EventFactory(title="Still served")
    url = reverse("activities:event_list")
    for _ in range(2):
        response = anonymous(url)
        assert response.status_code == 200 and state(response) == "bypass"
        assert "Still served" in response.content.decode()
    response = officer_client.post(
        reverse("activities:event_create"), event_data(**{"event-title": "Written anyway"})
    )
    assert response.status_code == 302
    assert pagecache._invalidation_owed
    assert "Written anyway" in anonymous(url).content.decode()


@COMMITTED
def test_an_invalidation_that_failed_is_made_before_the_cache_is_read_again(
    page_cache, monkeypatch
):
    factories.EventFactory(title="First title")
    url = reverse("activities:event_list")
    warm(url)
    real = caches["default"].set
    monkeypatch.setattr(caches["default"], "set", lambda *a, **k: (_ for _ in ()).throw(OSError))
    assert pagecache.invalidate() is False
    Event.objects.update(title="Second title")
    monkeypatch.setattr(caches["default"], "set", real)
    after = anonymous(url)
    assert "Second title" in after.content.decode() and state(after) == "miss"
    assert not pagecache._invalidation_owed


def cache_settings(**env):
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps([settings.CACHES['default'], settings.PAGE_CACHE, "
            "settings.PAGE_CACHE_SECONDS]))")
    environ = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True, text=True, check=True, cwd=settings_dir(),
    )
    return json.loads(result.stdout)


def settings_dir():
    from django.conf import settings

    return settings.BASE_DIR


def test_the_cache_is_redis_with_redis_url_else_the_database_table():
    cache, on, seconds = cache_settings()
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert cache["LOCATION"] == "portal_cache" and on is True and seconds == 600
    one, off, _ = cache_settings(
        REDIS_URL="redis://cache:6379/0", DATABASE_URL="postgres://u@db:5432/one",
        PORTAL_PAGE_CACHE="0",
    )
    assert one["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert one["LOCATION"] == "redis://cache:6379/0" and off is False
    # Two databases sharing one Redis never share a page.
    two, _, _ = cache_settings(
        REDIS_URL="redis://cache:6379/0", DATABASE_URL="postgres://u@db:5432/two"
    )
    assert one["KEY_PREFIX"] != two["KEY_PREFIX"]


def test_the_page_cache_can_be_turned_off(settings, page_cache):
    settings.PAGE_CACHE = False
    url = reverse("activities:event_list")
    assert state(anonymous(url)) == "bypass"
    assert state(anonymous(url)) == "bypass"
