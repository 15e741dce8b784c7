"""Moving a portal between databases with the backup archive: SQLite → PostgreSQL → SQLite loses
nothing, history and attachments' files included.

Each step runs ``manage.py`` in a subprocess against its own database (a temporary SQLite file,
a PostgreSQL database made for the test and dropped after it) and its own media directory,
exactly as an administrator would run ``make backup`` and ``make restore FILE=…``.
"""

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


# Made afresh by every restore (a new public address): compared apart.
PUBLIC_KEYS = ("public_key", "public_thumbnail_key")


def records(path: Path) -> dict[tuple[str, str], dict]:
    """The backup's rows by (model, primary key), attachments' public keys left out."""
    from unodc_portal.site.backup import read_records

    rows = {}
    for row in read_records(path):
        fields = row["fields"]
        if row["model"] == "attachments.attachment":
            fields = {k: ("…" if v and k in PUBLIC_KEYS else v) for k, v in fields.items()}
        rows[(row["model"], str(row["pk"]))] = fields
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def public_keys(path: Path) -> set[str]:
    from unodc_portal.site.backup import read_records

    return {row["fields"][k] for row in read_records(path)
            if row["model"] == "attachments.attachment" for k in PUBLIC_KEYS
            if row["fields"][k]}


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
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from activities.models import Event, Seizure
from attachments import services
from donors.models import Contribution
seizure = Seizure.objects.order_by("pk").first()
seizure.notes = "Revised after the bulletin."
seizure.save()
Contribution.objects.order_by("pk").last().delete()
def jpeg(color):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), "image/jpeg")
photo = services.add(Event.objects.filter(is_demo=False).order_by("pk").first(), jpeg("red"),
                     user=None, title="Opening", kind="photo", visibility="public",
                     consent="All agreed in writing.")
services.replace(photo, jpeg("blue"), expected_version=photo.version, user=None)
"""


def test_a_portal_moves_from_sqlite_to_postgresql_and_back_losing_nothing(
    tmp_path, postgres_database
):
    # Two empty, migrated SQLite databases: the source, and the target of the way back.
    manage(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "migrate", "--noinput")
    shutil.copy(tmp_path / "empty.sqlite3", tmp_path / "source.sqlite3")
    shutil.copy(tmp_path / "empty.sqlite3", tmp_path / "target.sqlite3")

    # Each portal its own media directory (attachments' files) and erasure journal.
    media = {name: tmp_path / f"media-{name}" for name in ("source", "postgres", "target")}

    def own(name):
        return {"DJANGO_MEDIA_ROOT": str(media[name]),
                "DJANGO_ERASURE_JOURNAL_DIR": str(tmp_path / f"journal-{name}")}

    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    at_source = own("source")
    manage(source, "load_fixtures", **at_source)
    # Demo accounts, participants, participations, files (the passwords file beside the
    # database).
    manage(source, "seed_demo", debug=True,
           PORTAL_DEMO_ACCOUNTS_FILE=str(tmp_path / ".demo-accounts"), **at_source)
    # A changed and a deleted record in history; a public photo replaced once.
    manage(source, "shell", "-c", CHANGES, **at_source)
    # A restore applies retention last (the demo events are of 2011): applied here first, it
    # finds nothing more to do on the way, and the rows compare equal.
    manage(source, "apply_retention", **at_source)
    manage(source, "backup", "--output", str(tmp_path / "from-sqlite.tar"), **at_source)

    at_postgres = own("postgres")
    manage(postgres_database, "migrate", "--noinput", **at_postgres)
    restored = manage(postgres_database, "restore", str(tmp_path / "from-sqlite.tar"),
                      **at_postgres)
    assert "Erasures replayed: 0" in restored
    assert "Contact details (after 1825 days): nothing to remove." in restored
    manage(postgres_database, "backup", "--output", str(tmp_path / "from-postgres.tar"),
           **at_postgres)

    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    at_target = own("target")
    manage(target, "restore", str(tmp_path / "from-postgres.tar"), **at_target)
    manage(target, "backup", "--output", str(tmp_path / "back-in-sqlite.tar"), **at_target)

    original = records(tmp_path / "from-sqlite.tar")
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
    assert records(tmp_path / "from-postgres.tar") == original
    assert records(tmp_path / "back-in-sqlite.tar") == original

    # The files: every stored file (the replaced photo's first one too, for its history
    # version) byte for byte in each portal; public copies made afresh by each restore, at
    # new addresses, and nothing else public.
    files = {name: media_files(root) for name, root in media.items()}
    private = {k: v for k, v in files["source"].items() if k.startswith("files/")}
    assert len(private) >= 5  # the demo event's agenda, photo (+ thumbnail), sheet; two photos
    published = {}
    for name, backup in [("source", "from-sqlite.tar"), ("postgres", "from-postgres.tar"),
                         ("target", "back-in-sqlite.tar")]:
        assert {k: v for k, v in files[name].items() if k.startswith("files/")} == private
        published[name] = public_keys(tmp_path / backup)
        assert {k for k in files[name] if k.startswith("public/")} == published[name]
        assert len(published[name]) == 2  # the real event's photo and its thumbnail
    assert not published["source"] & published["postgres"]
    assert not published["postgres"] & published["target"]
