"""The results API, ``/api/projects/<code>/results/`` (issue 16, point 3): a project's framework
read through ``results.progress``, for every role — approved values for the public, pending ones
for officers and admins, demo frameworks for demo accounts, protected cells with a null value,
no personal data — with a 404 for what the caller may not see, a fixed number of queries and a
schema that says so."""

import json
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from results import compute
from results.progress import Actual, Cell
from tests import factories
from tests.pages import ROLES, client_for
from tests.querycount import assert_constant_queries
from tests.results.test_pages import (
    PENDING_NOTE,
    PENDING_VALUE,
    QUALITATIVE,
    add_framework_rows,
    build_framework,
)

pytestmark = pytest.mark.django_db
# Who entered the pending actual: an account name that must never be answered.
ENTERED_BY = "zq-entering-clerk"


def url(code="KGZK50"):
    return reverse("opendata:project-results", args=[code])


@pytest.fixture
def project(db):
    project = factories.ProjectFactory(code="KGZK50")
    build_framework(project, entered_by=factories.UserFactory(username=ENTERED_BY,
                                                              email="clerk@zq.example"))
    return project


def indicator(data, key):
    """The indicator ``key`` wherever it sits in the framework."""
    for result in data["results"]:
        for row in [result, *result["outputs"]]:
            for found in row["indicators"]:
                if found["key"] == key:
                    return found
    raise AssertionError(f"no indicator {key}")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_framework_nested_in_order(role, client, request, project):
    client = client_for(role, client, request)
    response = client.get(url())
    assert response.status_code == 200
    data = response.json()
    assert data["project"] == "KGZK50"
    assert data["page"].endswith("/projects/KGZK50/")
    assert data["project_url"].endswith("/api/projects/KGZK50/")
    assert [r["key"] for r in data["results"]] == ["k50-outcome", "k50-loose"]
    outcome, loose = data["results"]
    assert (outcome["kind"], outcome["kind_label"]) == ("outcome", "Outcome")
    assert [o["key"] for o in outcome["outputs"]] == ["k50-output"]
    assert loose["outputs"] == []
    trained = indicator(data, "k50-trained")
    assert trained["unit"] == "officers"
    assert trained["baseline"] == {"value": "12.00", "date": "2010-01-01",
                                   "note": "Before the project began"}
    first = trained["periods"][0]
    assert (first["start"], first["end"], first["target"]) == ("2011-01-01", "2011-12-31",
                                                               "40.00")
    assert first["actual"]["state"] == "value" and first["actual"]["value"] == "30.00"
    assert first["progress"] == "75.0"
    courses = indicator(data, "k50-courses")
    assert courses["source"] == "events_held" and courses["event_kinds"] == ["training"]
    assert courses["substance"] is None


@pytest.mark.parametrize(("role", "sees_pending"), [
    ("anonymous", False), ("donor", False), ("officer", True), ("admin", True),
])
def test_a_pending_actual_reaches_officers_and_admins_only(
    role, sees_pending, client, request, project
):
    client = client_for(role, client, request)
    response = client.get(url())
    pending = indicator(response.json(), "k50-trained")["periods"][1]["actual"]
    text = response.content.decode()
    if sees_pending:
        assert pending["state"] == "pending" and pending["state_label"] == "pending approval"
        assert Decimal(pending["value"]) == PENDING_VALUE and pending["note"] == PENDING_NOTE
    else:
        assert pending == {**pending, "state": "no_data", "value": None, "note": ""}
        assert "4417" not in text and PENDING_NOTE not in text
    # No personal data for anyone: who entered or approved an actual is never answered.
    assert ENTERED_BY not in text and "zq.example" not in text


def test_a_qualitative_result_comes_as_worded_without_a_number(client, project):
    tarcet = indicator(client.get(url()).json(), "k50-tarcet")
    assert tarcet["qualitative_note"] == QUALITATIVE
    actual = tarcet["periods"][0]["actual"]
    assert (actual["state"], actual["value"], actual["note"]) == ("qualitative", None,
                                                                 QUALITATIVE)


def test_protected_cells_have_a_null_value_and_read_as_given(client, project, monkeypatch):
    hidden = Actual(Actual.VALUE, Decimal("14"), breakdown={"sex": [
        Cell("female", "Female", Decimal("12"), "12"),
        Cell("male", "Male", None, "fewer than 3"),
    ]})
    monkeypatch.setattr(compute, "actuals", lambda project, indicators, user: {
        p.pk: hidden for i in indicators for p in i.periods.all()})
    actual = indicator(client.get(url()).json(), "k50-trained")["periods"][0]["actual"]
    assert actual["breakdown"] == {"sex": [
        {"key": "female", "label": "Female", "value": "12.00", "shown": "12"},
        {"key": "male", "label": "Male", "value": None, "shown": "fewer than 3"},
    ]}


def test_a_project_without_a_framework_answers_an_empty_list(client):
    factories.ProjectFactory(code="BARE")
    assert client.get(url("BARE")).json()["results"] == []


def test_an_unknown_project_is_404(client, project):
    assert client.get(url("NOPE")).status_code == 404


def test_a_demo_framework_reaches_demo_accounts_only(demo_client):
    demo = factories.ProjectFactory(code="DEMO01", is_demo=True)
    build_framework(demo)
    assert Client().get(url("DEMO01")).status_code == 404
    response = demo_client.get(url("DEMO01"))
    assert response.status_code == 200
    assert indicator(response.json(), "k50-trained")["title"] == "Officers trained in drug control"


def test_labels_follow_accept_language_and_codes_stay_english(client, project):
    response = client.get(url(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "ru"
    data = response.json()
    trained = indicator(data, "k50-trained")
    assert trained["measure"] == "count" and trained["source"] == "manual"
    assert data["results"][0]["kind"] == "outcome"


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_the_results_api_runs_a_constant_number_of_queries(role, client, request):
    client = client_for(role, client, request)
    project = factories.ProjectFactory(code="KGZK50")
    # Signed in: session, account, demo group and permissions come on top of the framework's.
    assert_constant_queries(client, url(), add_framework_rows(project), 12)


def test_the_schema_names_the_operation_its_404_and_nullable_values(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(target))
    schema = json.loads(target.read_text())
    operation = schema["paths"]["/api/projects/{code}/results/"]["get"]
    # Its own 404, and what every operation may answer (unodc_portal.core.api's schema hook):
    # 400 for a parameter that does not fit, 401 for a token that is not valid.
    assert set(operation["responses"]) == {"200", "400", "401", "404"}
    components = schema["components"]["schemas"]
    assert components["ResultActual"]["properties"]["value"]["nullable"] is True
    assert components["ResultCell"]["properties"]["value"]["nullable"] is True
    assert components["ResultPeriod"]["properties"]["target"]["nullable"] is True
    assert components["ResultPeriod"]["properties"]["progress"]["nullable"] is True
    assert components["IndicatorBaseline"]["properties"]["date"]["nullable"] is True
    assert components["ResultIndicator"]["properties"]["substance"]["nullable"] is True



@pytest.mark.parametrize("code", ["\x00", "KGZK50\x00", "K" * 10_000, "Алматы", "' OR 1=1 --",
                                  "%", " "])
def test_hostile_project_codes_are_refused_never_a_server_error(client, project, code):
    response = client.get(f"/api/projects/{quote(code, safe='')}/results/")
    # A NUL byte is refused by the site-wide request policy (400) before the view; the rest
    # name no project (404).
    assert response.status_code == (400 if "\x00" in code else 404)
    assert response["Content-Type"].startswith("application/json")
