import contextlib
import io
import itertools

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings

from tests import factories, template_vars
from unodc_portal.core.roles import DEMO_GROUP, DONORS_GROUP, OFFICERS_GROUP, ensure_groups


@pytest.fixture(scope="session", autouse=True)
def fail_on_missing_template_variables():
    """A missing variable in one of the project's templates (templates/) fails the test
    (tests/template_vars.py); other libraries' templates render as Django renders them."""
    template_vars.install()


@pytest.fixture(autouse=True)
def no_missing_template_variables_in_any_thread():
    """A missing variable met while a live server (another thread) rendered fails the test
    too, with its name."""
    template_vars.reported_failures()
    yield
    found = template_vars.reported_failures()
    if found:
        pytest.fail("; ".join(found), pytrace=False)


@pytest.fixture(autouse=True)
def jobs_after_the_response_are_done():
    """E-mail sent after the response (unodc_portal.core.after_response) belongs to the test that
    asked for it: finished, and its errors raised, before the next test starts."""
    yield
    from unodc_portal.core.after_response import drain

    drain()


MEMORY_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
}


@pytest.fixture(scope="session", autouse=True)
def page_cache_off_in_memory():
    """The page cache is off, its cache a per-process memory emptied after each test (the test
    databases' creation included): a test that changes records inside its transaction, whose
    commit never comes, reads its pages fresh. tests/portal/test_page_cache.py turns it on."""
    from django.test.utils import override_settings

    with override_settings(PAGE_CACHE=False, CACHES=MEMORY_CACHE):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database has the cache table (made while the memory cache was configured)."""
    from django.test.utils import override_settings

    database_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                  "LOCATION": "portal_cache"}}
    with django_db_blocker.unblock(), override_settings(CACHES=database_cache):
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def english_between_tests():
    """Each test starts in English, the default: a request under /ru/ leaves Russian active in
    the thread (Django's LocaleMiddleware does not switch back), which would make a later
    reverse() give a /ru/ address."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def page_cache_emptied():
    yield
    from django.core.cache import caches

    from unodc_portal.core import pagecache

    with contextlib.suppress(Exception):  # a test may have pointed it at a cache that is down
        caches["default"].clear()
    pagecache._invalidation_owed = False


@pytest.fixture
def roles(db):
    """The two groups, as the data migration makes them (a transactional test may have flushed
    them)."""
    ensure_groups(apps)
    return {g.name: g for g in Group.objects.filter(name__in=[OFFICERS_GROUP, DONORS_GROUP])}


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def donor_user(roles):
    """A member of Donors linked to one donor."""
    account = factories.DonorAccountFactory(user__username="donor")
    account.user.groups.add(roles[DONORS_GROUP])
    return account.user


@pytest.fixture
def other_donor_user(roles):
    """A member of Donors linked to another donor."""
    account = factories.DonorAccountFactory(user__username="other-donor")
    account.user.groups.add(roles[DONORS_GROUP])
    return account.user


@pytest.fixture
def officer_user(roles):
    user = factories.UserFactory(username="officer")
    user.groups.add(roles[OFFICERS_GROUP])
    return user


@pytest.fixture
def officer_client(client, officer_user):
    client.force_login(officer_user)
    return client


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Sign-in tests hash many passwords, and every account a factory makes has one; the
    production hasher is deliberately slow (about 0.8 s a password here). Session-wide, so that
    the worlds built once per module (tests/access.py) hash fast too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def quick_flush_after_transactional_tests():
    """A transactional test (``transaction=True``, the browser and live-server tests) ends with a
    flush of every table. On PostgreSQL Django flushes with one TRUNCATE of the 65 tables, which
    makes new files for each and waits for the disk: about 2 s a test here, against 0.04 s for a
    DELETE of each table. So that flush, and only it, deletes the rows: in one transaction, the
    foreign keys checked at its commit (Django makes them deferred), the sequences left alone as
    TRUNCATE without RESTART IDENTITY leaves them. A flush asked to reset the sequences or to
    cascade (``available_apps``) is still a TRUNCATE, and so is every flush a test itself runs
    (``call_command("flush")``). SQLite's flush is a DELETE already."""
    from django.db.backends.postgresql.operations import DatabaseOperations
    from django.test import TransactionTestCase

    truncate, teardown = DatabaseOperations.sql_flush, TransactionTestCase._fixture_teardown
    in_teardown = []

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not in_teardown or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences,
                            allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables]

    def fixture_teardown(self):
        in_teardown.append(True)
        try:
            return teardown(self)
        finally:
            in_teardown.pop()

    DatabaseOperations.sql_flush = sql_flush
    TransactionTestCase._fixture_teardown = fixture_teardown
    yield
    DatabaseOperations.sql_flush = truncate
    TransactionTestCase._fixture_teardown = teardown


@pytest.fixture(scope="session")
def demo_accounts_directory(tmp_path_factory):
    """Where the tests' demo accounts files go: one temporary directory for the session."""
    return tmp_path_factory.mktemp("demo-accounts")


_demo_accounts_files = itertools.count(1)


@pytest.fixture(autouse=True)
def demo_accounts_file(demo_accounts_directory):
    """seed_demo writes its passwords file to a name of this test's own, never the project's.
    A name in one session directory rather than the test's ``tmp_path``: every test has this
    fixture, and making a directory for each of the 9,000 tests cost more than the name."""
    from django.conf import settings

    previous = settings.DEMO_ACCOUNTS_FILE
    name = f"{next(_demo_accounts_files)}.demo-accounts"
    settings.DEMO_ACCOUNTS_FILE = demo_accounts_directory / name
    yield settings.DEMO_ACCOUNTS_FILE
    settings.DEMO_ACCOUNTS_FILE = previous


@pytest.fixture
def demo_world(roles, settings):
    """seed_demo's world over a small real record: returns the demo accounts by role."""
    debug = settings.DEBUG
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = debug
    users = get_user_model().objects.in_bulk(
        ["demo-officer", "demo-donor", "demo-admin"], field_name="username"
    )
    return {name.removeprefix("demo-"): user for name, user in users.items()}


@pytest.fixture(scope="session")
def iati_schema():
    """The official IATI 2.03 activities schema (tests/data/iati-2.03/)."""
    from tests.iati import load_schema

    return load_schema()


@pytest.fixture
def demo_client(client, roles):
    """The test client signed in as an account of the demo group (it sees demo records)."""
    user = factories.UserFactory(username="demo-someone")
    user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    client.force_login(user)
    return client


@pytest.fixture
def attachment_media(tmp_path):
    """Attachments' files in a directory of this test's own (``STORAGES["attachments"]``);
    the storage handler drops its cached backend when the setting changes."""
    from tests.attachments.files import attachments_stored_in

    with attachments_stored_in(tmp_path / "media") as root:
        yield root


@pytest.fixture(scope="session", autouse=True)
def attachment_media_outside_the_checkout(tmp_path_factory):
    """No test writes attachments under the checkout's media/ even when it forgets the
    ``attachment_media`` fixture: the session's default is a temporary directory."""
    from tests.attachments.files import attachments_stored_in

    with attachments_stored_in(tmp_path_factory.mktemp("media")) as root:
        yield root


@pytest.fixture(scope="session", autouse=True)
def erasure_journal_outside_the_checkout(tmp_path_factory):
    """No test appends to the checkout's erasure journal: the session's journal directory is a
    temporary one (a test wanting an empty journal of its own uses ``erasure_journal``)."""
    from django.conf import settings

    previous = settings.ERASURE_JOURNAL_DIR
    settings.ERASURE_JOURNAL_DIR = tmp_path_factory.mktemp("erasure-journal")
    yield settings.ERASURE_JOURNAL_DIR
    settings.ERASURE_JOURNAL_DIR = previous


@pytest.fixture(autouse=True)
def erasure_journal_emptied_after_each_test(erasure_journal_outside_the_checkout):
    """The session's journal holds no erasure of an earlier test: a restore replays every line
    of it, and would erase another test's record of the same number."""
    from personaldata.journal import FILE_NAME

    yield
    (erasure_journal_outside_the_checkout / FILE_NAME).unlink(missing_ok=True)


@pytest.fixture
def erasure_journal(tmp_path, settings):
    """An empty erasure journal directory of this test's own."""
    settings.ERASURE_JOURNAL_DIR = tmp_path / "erasure-journal"
    return settings.ERASURE_JOURNAL_DIR
