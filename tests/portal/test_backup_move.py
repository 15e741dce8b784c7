"""Moving a portal between databases with the backup file: SQLite → PostgreSQL → SQLite loses
nothing, history included.

Each step runs ``manage.py`` in a subprocess against its own database (a temporary SQLite file,
a PostgreSQL database made for the test and dropped after it), exactly as an administrator
would run ``make backup`` and ``make restore FILE=…``.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from tests.engine import sqlite_only

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("PORTAL_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The test makes its own databases of both kinds, so it runs once, in the suite's SQLite pass
# (about a minute: migrations and loads in subprocesses).
pytestmark = sqlite_only("it makes its own SQLite and PostgreSQL databases whatever the suite "
                         "runs on")


def manage(database_url: str, *args: str, debug: bool = False, **extra_env: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="backup-move-test-key-" + "x" * 40,
        DJANGO_DEBUG="1" if debug else "0",
        **extra_env,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def records(path: Path) -> dict[tuple[str, str], dict]:
    """The backup's rows by (model, primary key)."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return {(row["model"], str(row["pk"])): row["fields"] for row in json.load(stream)}


@pytest.fixture
def postgres_database():
    name = f"portal_move_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg2.connect(f"{SERVER_URL}/postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL does not answer at {SERVER_URL}: {exc}")
        pytest.skip(f"PostgreSQL does not answer at {SERVER_URL} (set PORTAL_TEST_POSTGRES)")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"{SERVER_URL}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


CHANGES = """
from activities.models import Seizure
from donors.models import Contribution
seizure = Seizure.objects.order_by("pk").first()
seizure.notes = "Revised after the bulletin."
seizure.save()
Contribution.objects.order_by("pk").last().delete()
"""


def test_a_portal_moves_from_sqlite_to_postgresql_and_back_losing_nothing(
    tmp_path, postgres_database
):
    # Two empty, migrated SQLite databases: the source, and the target of the way back.
    manage(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "migrate", "--noinput")
    shutil.copy(tmp_path / "empty.sqlite3", tmp_path / "source.sqlite3")
    shutil.copy(tmp_path / "empty.sqlite3", tmp_path / "target.sqlite3")

    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage(source, "load_fixtures")
    # Demo accounts, participants, participations (the passwords file beside the database).
    manage(source, "seed_demo", debug=True,
           PORTAL_DEMO_ACCOUNTS_FILE=str(tmp_path / ".demo-accounts"))
    manage(source, "shell", "-c", CHANGES)  # a changed and a deleted record in history
    manage(source, "backup", "--output", str(tmp_path / "from-sqlite.json.gz"))

    manage(postgres_database, "migrate", "--noinput")
    manage(postgres_database, "restore", str(tmp_path / "from-sqlite.json.gz"))
    manage(postgres_database, "backup", "--output", str(tmp_path / "from-postgres.json.gz"))

    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    manage(target, "restore", str(tmp_path / "from-postgres.json.gz"))
    manage(target, "backup", "--output", str(tmp_path / "back-in-sqlite.json.gz"))

    original = records(tmp_path / "from-sqlite.json.gz")
    models = {model for model, _pk in original}
    # The backup holds the bulletin, the demo data, users and the history of every change.
    assert {
        "activities.article", "activities.participation", "auth.user",
        "activities.historicalseizure", "donors.historicalcontribution",
    } <= models
    deleted = [
        row for (model, _pk), row in original.items()
        if model == "donors.historicalcontribution" and row["history_type"] == "-"
    ]
    assert len(deleted) == 1
    assert records(tmp_path / "from-postgres.json.gz") == original
    assert records(tmp_path / "back-in-sqlite.json.gz") == original
