"""Record keys in the address — slugs, register and record numbers, project codes, file formats,
password-reset tokens — with hostile text and numbers beyond 64 bits: a 404 (or a refusal), never a
server error."""

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hostile import strategies as hs
from tests.hostile.conftest import examples
from tests.hostile.pages import assert_answered, clients, records_fixture

pytestmark = pytest.mark.django_db

PUBLIC = ("anonymous", "admin")
OFFICERS = ("officer", "admin")
# Each "{}" takes the hostile value; "{event}" and "{participant}" take a real record's key so that
# the other half of a two-key address exists.
PATHS = [
    ("/articles/{}/", PUBLIC),
    ("/projects/{}/", PUBLIC),
    ("/projects/export.{}", PUBLIC),
    ("/events/{}/", PUBLIC),
    ("/events/export.{}", PUBLIC),
    ("/seizures/{}/", PUBLIC),
    ("/seizures/export.{}", PUBLIC),
    ("/people/{}/", PUBLIC),
    ("/organisations/{}/", PUBLIC),
    ("/donors/{}/", PUBLIC),
    ("/donors/export.{}", PUBLIC),
    ("/contributions/export.{}", PUBLIC),
    ("/my/contributions/export.{}", ("donor",)),
    ("/events/{}/edit/", OFFICERS),
    ("/events/{}/history/", OFFICERS),
    ("/events/{}/participants/import/", OFFICERS),
    ("/imports/{}/", OFFICERS),
    ("/imports/template.{}", OFFICERS),
    ("/participants/export.{}", OFFICERS),
    ("/participants/{}/", OFFICERS),
    ("/participants/{}/edit/", OFFICERS),
    ("/participants/{}/history/", OFFICERS),
    ("/participants/{}/merge/{participant}/", OFFICERS),
    ("/participants/{participant}/merge/{}/", OFFICERS),
    ("/seizures/{}/edit/", OFFICERS),
    ("/seizures/{}/history/", OFFICERS),
    ("/accounts/password/reset/{}/set-password/", ("anonymous",)),
    ("/accounts/password/reset/MQ/{}/", ("anonymous",)),
    ("/admin/activities/participant/{}/change/", ("admin",)),
    ("/admin/activities/event/{}/change/", ("admin",)),
    ("/admin/activities/participant/{}/history/", ("admin",)),
    ("/admin/donors/contribution/{}/change/", ("admin",)),
    ("/admin/donors/contribution/{}/history/", ("admin",)),
    ("/admin/activities/seizure/{}/history/", ("admin",)),
]


hostile_records = records_fixture()


@pytest.fixture
def setup(hostile_records):
    data = hostile_records
    return clients(data["users"]), {
        "participant": data["participants"][0].pk, "event": data["event"].slug,
    }


# Path segments: hostile text, and numbers (record numbers) including ones beyond 64 bits.
segments = st.one_of(hs.hostile, hs.numbers).filter(bool)


@pytest.mark.parametrize(("template", "who"), PATHS, ids=[row[0] for row in PATHS])
def test_hostile_keys_in_the_address_never_give_a_server_error(setup, template, who):
    client_for, keys = setup

    @examples(4)
    @given(role=st.sampled_from(who), value=segments)
    def check(role, value):
        path = template.format(quote(value, safe=""), **keys)
        response = client_for[role].get(path)
        assert_answered(response, value)

    check()


# Addresses that gave server errors before their fixes.
KNOWN_BAD = [
    ("/participants/{participant}/merge/99999999999999999999/", "officer"),
    ("/participants/99999999999999999999/merge/{participant}/", "officer"),
    ("/projects/%00/", "anonymous"),
    ("/admin/activities/participant/%00/history/", "admin"),
    ("/admin/activities/participant/0.0/history/", "admin"),
    ("/admin/donors/contribution/abc/history/", "admin"),
]


@pytest.mark.parametrize(("template", "role"), KNOWN_BAD, ids=[row[0] for row in KNOWN_BAD])
def test_addresses_that_once_failed_are_refused(setup, template, role):
    client_for, keys = setup
    assert client_for[role].get(template.format(**keys)).status_code in {400, 404}
