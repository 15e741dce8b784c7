"""Who may open each page that writes a results framework, and what each role sees there (the
engine and the world are in tests/access.py). Every URL of the results app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from results.models import Indicator, Period, Result
from tests import access
from tests.access import OFFICERS, Expect, statuses

world = access.world_fixture()

# Framework editing and approval: admins only; anonymous visitors are sent to sign in.
ADMINS = statuses(403, anonymous=access.LOGIN, admin=200)
ADMINS_POST_ONLY = statuses(403, anonymous=access.LOGIN, admin=405)
# A project (or record) that does not exist: the refusal first, then the portal's 404.
MISSING_FOR_OFFICERS = statuses(403, anonymous=access.LOGIN, officer=404, admin=404)
MISSING_FOR_ADMINS = statuses(403, anonymous=access.LOGIN, admin=404)


def _project(w):
    return [w.project.code]


def _result(w):
    return [w.project.code, w.result.key]


def _indicator(w):
    return [w.project.code, w.indicator.key]


def _period(w):
    return [w.project.code, w.period.pk]


EXPECTATIONS = {
    "results:framework_edit": Expect(OFFICERS, _project),
    "results:result_create": Expect(ADMINS, _project),
    "results:result_update": Expect(ADMINS, _result),
    "results:result_delete": Expect(ADMINS, _result),
    "results:indicator_create": Expect(ADMINS, _result),
    "results:indicator_update": Expect(ADMINS, _indicator),
    "results:indicator_delete": Expect(ADMINS, _indicator),
    "results:period_create": Expect(ADMINS, _indicator),
    "results:period_update": Expect(ADMINS, _period),
    "results:period_delete": Expect(ADMINS, _period),
    "results:actual_entry": Expect(OFFICERS, _period),
    "results:pending": Expect(ADMINS),
    "results:approve": Expect(ADMINS_POST_ONLY, lambda w: [w.period.pk]),
    "results:reject": Expect(ADMINS_POST_ONLY, lambda w: [w.period.pk]),
    "results:framework_edit#missing": Expect(MISSING_FOR_OFFICERS, lambda w: ["NO-SUCH"]),
    "results:actual_entry#missing": Expect(
        MISSING_FOR_OFFICERS, lambda w: [w.project.code, 999999]),
    # A number no database column holds: not found, never a server error.
    "results:actual_entry#huge": Expect(
        MISSING_FOR_OFFICERS, lambda w: [w.project.code, 2**63 + 5]),
    "results:indicator_update#missing": Expect(
        MISSING_FOR_ADMINS, lambda w: [w.project.code, "no-such-indicator"]),
    "results:period_update#missing": Expect(
        MISSING_FOR_ADMINS, lambda w: [w.project.code, 999999]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_the_framework_page_offers_each_role_only_its_own_edits(role, world, client):
    response = access.client_for(role, client, world).get(
        reverse("results:framework_edit", args=[world.project.code]))
    if role not in access.PERSONAL_DATA_ROLES:
        assert response.status_code in (302, 403)
        return
    page = response.content.decode()
    actual_url = reverse("results:actual_entry", args=[world.project.code, world.period.pk])
    target_url = reverse("results:period_update", args=[world.project.code, world.period.pk])
    assert f'href="{actual_url}"' in page
    assert (f'href="{target_url}"' in page) is (role == "admin")
    assert (f'href="{reverse("results:pending")}"' in page) is (role == "admin")


# --------------------------------------------------------------------------------------------
# Writes refused: a POST by a role the page refuses changes nothing.
# --------------------------------------------------------------------------------------------
def _period_form(w):
    return {"start": "2030-01-01", "end": "2030-12-31", "target": "5",
            "record_version": str(w.period.version)}


WRITES = {
    "results:result_create": lambda w: {"title": "Written by someone not allowed",
                                        "kind": "outcome", "order": "0"},
    "results:result_update": lambda w: {"title": "Renamed by someone not allowed",
                                        "kind": "outcome", "order": "0",
                                        "record_version": str(w.result.version)},
    "results:result_delete": lambda w: {},
    "results:indicator_create": lambda w: {
        "title": "Written by someone not allowed", "result": w.result.pk, "order": "0",
        "measure": "count", "source": "manual"},
    "results:indicator_delete": lambda w: {},
    "results:period_create": _period_form,
    "results:period_update": _period_form,
    "results:period_delete": lambda w: {},
    "results:actual_entry": lambda w: {"actual": "99", "record_version": str(w.period.version)},
    "results:approve": lambda w: {"record_version": str(w.period.version)},
    "results:reject": lambda w: {"record_version": str(w.period.version)},
}
REFUSED = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name in WRITES
    for role, status in EXPECTATIONS[name].status.items()
    if status not in (200, 405)
]


def _framework(w):
    period = Period.objects.get(pk=w.period.pk)
    return (
        list(Result.objects.values_list("pk", "title_en", "version")),
        list(Indicator.objects.values_list("pk", "title_en", "version")),
        (period.start, period.end, period.target, period.actual, period.actual_status,
         period.version),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), REFUSED)
def test_a_refused_role_writes_nothing(name, role, world, client):
    expect = EXPECTATIONS[name]
    before, framework = access.every_row_count(), _framework(world)
    response = access.client_for(role, client, world).post(
        expect.url(name, world), WRITES[name](world))
    wanted = expect.status[role]
    if isinstance(wanted, access.Redirect):
        assert response.status_code == 302
        assert response["Location"].startswith(wanted.location(expect.url(name, world)))
    else:
        assert response.status_code == wanted
    assert access.every_row_count() == before
    assert _framework(world) == framework


WRITTEN = {
    "results:actual_entry": ("officer", lambda w: Period.objects.get(pk=w.period.pk).actual
                             == Decimal("99")),
    "results:approve": ("admin", lambda w: Period.objects.get(pk=w.period.pk).actual_status
                        == Period.Status.APPROVED),
    "results:reject": ("admin", lambda w: Period.objects.get(pk=w.period.pk).actual is None),
    "results:period_update": ("admin", lambda w: Period.objects.get(pk=w.period.pk).start.year
                              == 2030),
    "results:result_delete": ("admin", lambda w: not Result.objects.filter(
        pk=w.result.pk).exists()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(WRITTEN))
def test_the_refused_posts_write_when_the_right_role_sends_them(name, world, client):
    """Else refusing them would prove nothing."""
    role, written = WRITTEN[name]
    assert not written(world)
    response = access.client_for(role, client, world).post(
        EXPECTATIONS[name].url(name, world), WRITES[name](world))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert written(world)


@pytest.mark.django_db
def test_an_admins_approval_without_the_csrf_token_is_refused_and_writes_nothing(world):
    client = access.client_for("admin", Client(enforce_csrf_checks=True), world)
    before = _framework(world)
    response = client.post(reverse("results:approve", args=[world.period.pk]),
                           {"record_version": str(world.period.version)})
    assert response.status_code == 403
    assert _framework(world) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_the_navigation_offers_the_approval_queue_only_to_admins(role, world, client):
    home = access.client_for(role, client, world).get(reverse("home")).content.decode()
    assert (reverse("results:pending") in home) is (role == "admin")
