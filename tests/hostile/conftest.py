"""Hypothesis profiles for the hostile-input tests (tests/hostile/).

- ``ci``: chosen when ``CI=true`` (as ``.ci/run`` sets it): few examples, derandomized so that a
  run is repeatable, no example database; the whole folder stays near a minute per database.
- ``dev``: the default locally, a few more examples, random ones each run.
- ``thorough``: ``HYPOTHESIS_PROFILE=thorough .venv/bin/pytest tests/hostile`` for a long hunt.

``HYPOTHESIS_PROFILE`` names any of them explicitly. No test deadline: a request's time depends on
the database and the machine, not on the input.
"""

import os
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile(
    "ci", max_examples=8, deadline=None, derandomize=True, database=None,
    suppress_health_check=SLOW, print_blob=True,
)
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=SLOW)
settings.register_profile(
    "thorough", max_examples=400, deadline=None, suppress_health_check=SLOW,
)
_ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if _ci else "dev")
settings.load_profile(PROFILE)

# Each test states its number of examples under the ci profile; the others multiply it.
SCALE = {"ci": 1, "dev": 3, "thorough": 40}


def examples(count: int) -> settings:
    """``@examples(8)``: eight examples under the ci profile, more under dev and thorough."""
    return settings(max_examples=count * SCALE.get(PROFILE, 1))

# The apps whose rows a refused submission must leave alone (history tables included: they are
# models of the same apps).
WATCHED_APPS = ("activities", "donors", "auth", "authtoken", "admin")


def row_counts() -> dict[str, int]:
    """The number of rows of every model of ``WATCHED_APPS``."""
    return {
        model._meta.label: model._default_manager.count()
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models()
    }


@contextmanager
def rolled_back():
    """Run one example inside a savepoint that is rolled back, so that examples do not see each
    other's writes (the test's own transaction is pytest-django's)."""
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)
