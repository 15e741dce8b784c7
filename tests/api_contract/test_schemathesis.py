"""Schemathesis checks every operation of ``/api/schema/`` against the portal's WSGI application
(in the test database), as ``st run --checks all`` does against a server: its examples,
coverage, fuzzing and stateful phases, every check it has, for an anonymous caller, a donor's
token and an officer's token. Operations are read from the schema, so those that later work
adds (results, search, attachments) are covered as soon as they are routed.

Bounded and repeatable: ``API_CONTRACT_EXAMPLES`` cases per operation and phase (6 unless set),
a fixed seed, one worker, no example database. Each run prints its requests and time (``-s``).

Schemathesis's own pytest plugin (``schemathesis.pytest.from_fixture``) is not used: its 4.x
releases read a private attribute that pytest 9.2 removed (``Node._nodeid``). Its engine, which
the command line runs, is.
"""

import copy
import json
import os
import threading
import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test import Client
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from tests.pages import PRIVATE_EMAIL_DOMAIN, PRIVATE_NAME, PRIVATE_PHONE_PREFIX

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = int(os.environ.get("API_CONTRACT_EXAMPLES", "6"))
SEED = 19
SCHEMA_URL = "/api/schema/"
_SCHEMA = {}


def closing_connections(app):
    """``app``, closing the database connection that each request opened in Schemathesis's
    worker thread (left open, it keeps the test database from being dropped)."""

    def wsgi(environ, start_response):
        try:
            return app(environ, start_response)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    return wsgi


def served_schema() -> dict:
    """``/api/schema/`` as served (generated once per process: it is the same for everyone)."""
    if "schema" not in _SCHEMA:
        response = Client().get(SCHEMA_URL, HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        _SCHEMA["schema"] = json.loads(response.content)
    return _SCHEMA["schema"]


def run(headers: dict, coverage: bool) -> dict:
    """One Schemathesis run with ``headers``: its failures (described), its requests, the
    answers' bodies and the checks that ran. ``coverage``: with the coverage phase (each
    parameter's boundaries and wrong types: about 900 requests over today's 12 operations)."""
    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "workers": 1,
        "headers": headers,
        "checks": {"enabled": True},
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"coverage": {"enabled": coverage, "generate-duplicate-query-parameters": False}},
    })
    schema = schemathesis.openapi.from_dict(copy.deepcopy(served_schema()), config=config)
    schema.app = closing_connections(get_wsgi_application())  # in-process, no server
    schema.location = SCHEMA_URL
    found = {"failures": [], "errors": [], "requests": 0, "bodies": [], "checks": set(),
             "operations": set()}
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            found["errors"].append(repr(getattr(event, "value", None)
                                        or getattr(event, "exception", None)))
        recorder = getattr(event, "recorder", None)
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished) and recorder:
            found["operations"].add(recorder.label)
            found.setdefault("phases", {}).setdefault(str(event.phase), 0)
            found["phases"][str(event.phase)] += len(recorder.interactions)
            for interaction in recorder.interactions.values():
                found["requests"] += 1
                if interaction.response is not None:
                    found["bodies"].append(interaction.response.content or b"")
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    found["checks"].add(check.name)
                    if check.status == Status.FAILURE:
                        case = recorder.cases[case_id].value
                        found["failures"].append(
                            f"{check.name}: {case.method} {case.formatted_path} "
                            f"{case.query or ''} — {check.failure_info.failure.title}"
                        )
        if isinstance(event, events.EngineFinished):
            found["failures"] += [f"{failure.title}" for failure in event.failures]
    found["seconds"] = time.monotonic() - started
    print(f"\nSchemathesis ({headers or 'anonymous'}): {found['requests']} requests over "
          f"{len(found['operations'])} operations in {found['seconds']:.1f} s, "
          f"{len(found['failures'])} failures {found.get('phases')}")
    return found


# The coverage phase probes the parameters, which are the same for every caller: it runs once,
# anonymously. The phases that read answers (examples, fuzzing, stateful) run for every role:
# the officer's answers hold participant records, the donor's its unpublished contributions.
@pytest.mark.parametrize("role", ["anonymous", "donor", "officer"])
def test_schemathesis_finds_no_failure(contract_world, role):
    token = contract_world["tokens"].get(role)
    found = run({"Authorization": f"Token {token}"} if token else {}, coverage=not token)
    assert found["requests"] > 0 and found["operations"]
    assert not found["errors"], found["errors"]
    assert not found["failures"], "\n".join(sorted(set(found["failures"])))
    assert {"response_schema_conformance", "status_code_conformance", "negative_data_rejection",
            "positive_data_acceptance", "content_type_conformance"} <= found["checks"]
    if role == "officer":
        # The officer's answers, with their participant records, were checked against the schema.
        assert b'"participant_records":' in b"".join(found["bodies"])
    if role == "anonymous":
        answers = b"".join(found["bodies"]).decode(errors="replace")
        assert '"participant_records":' not in answers
        for private in (PRIVATE_NAME, PRIVATE_EMAIL_DOMAIN, PRIVATE_PHONE_PREFIX):
            assert private not in answers
