"""The schema is a promise to partners (code generators, typed clients): it may change only with
its version (``info.version``, ``SPECTACULAR_SETTINGS["VERSION"]``) raised and a line in the
README's API changelog. ``schema.json`` beside this file is the schema as last released.

After a change to the API: raise the version in ``unodc_portal/settings.py``, add its line under
"Changelog" in the README's "JSON API", then refresh the snapshot with

    UPDATE_API_SCHEMA=1 .venv/bin/pytest -p no:xdist tests/api_contract/test_schema_version.py
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.engine import sqlite_only

SNAPSHOT = Path(__file__).with_name("schema.json")
README = Path(settings.BASE_DIR) / "README.md"
HOW = ("raise SPECTACULAR_SETTINGS['VERSION'] in unodc_portal/settings.py, add a line for it "
       "under “Changelog” in the README's “JSON API”, then refresh the snapshot: "
       "UPDATE_API_SCHEMA=1 .venv/bin/pytest -p no:xdist tests/api_contract/test_schema_version.py")


def served_schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def as_text(schema: dict) -> str:
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def differences(new, old, where="") -> list[str]:
    """Where two schemas differ, as JSON pointers ("/paths/~1api~1events~1/get/…")."""
    if isinstance(new, dict) and isinstance(old, dict):
        return [found for key in sorted(set(new) | set(old), key=str)
                for found in (differences(new.get(key), old.get(key),
                                          f"{where}/{str(key).replace('/', '~1')}")
                              if key in new and key in old else [f"{where}/{key}"])]
    return [] if new == old else [where or "/"]


def verdict(schema: dict, released: dict) -> str | None:
    """None when ``schema`` is the released one; else what to do."""
    if schema == released:
        return None
    version, released_version = schema["info"]["version"], released["info"]["version"]
    if version == released_version:
        changed = ", ".join(differences(schema, released)[:10])
        return f"/api/schema/ changed ({changed}) but its version is still {version}: {HOW}."
    return (f"The schema's version is now {version} (the snapshot holds {released_version}): "
            f"refresh the snapshot: {HOW}.")


@sqlite_only("the schema is drawn from the API's code, the same whatever engine holds the "
             "rows")
@pytest.mark.django_db
def test_the_schema_changes_only_with_its_version(client):
    schema = served_schema(client)
    if os.environ.get("UPDATE_API_SCHEMA"):
        SNAPSHOT.write_text(as_text(schema), encoding="utf-8")
    message = verdict(schema, json.loads(SNAPSHOT.read_text(encoding="utf-8")))
    assert message is None, message


def test_a_change_without_a_new_version_is_refused_and_says_how_to_release():
    released = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(released))
    changed["paths"]["/api/events/"]["get"]["parameters"].pop()
    assert "version is still" in verdict(changed, released)
    assert "UPDATE_API_SCHEMA=1" in verdict(changed, released)
    changed["info"]["version"] = released["info"]["version"] + ".1"
    assert "refresh the snapshot" in verdict(changed, released)
    assert verdict(released, json.loads(json.dumps(released))) is None


def test_the_readme_has_a_changelog_line_for_the_version():
    version = settings.SPECTACULAR_SETTINGS["VERSION"]
    text = README.read_text(encoding="utf-8")
    assert re.search(rf"^- \*\*{re.escape(version)}\*\* ", text, re.MULTILINE), (
        f"README: no changelog line “- **{version}** …” under the JSON API's “Changelog”")
