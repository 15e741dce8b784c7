"""Helpers for the IATI file's tests: the official IATI 2.03 schema (copied, with the files it
includes, from IATI/IATI-Schemas branch version-2.03 into tests/data/iati-2.03/) and a fetch
that validates every file it reads."""

from pathlib import Path

from django.urls import reverse
from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "iati-2.03"


def load_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def fetch(client, schema) -> dict:
    """GET /iati/activities.xml, assert it validates, and return its activities by identifier."""
    response = client.get(reverse("opendata:iati_activities"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    return {a.findtext("iati-identifier"): a for a in document.iter("iati-activity")}


def narratives(element, path) -> list[str]:
    return [n.text for n in element.iterfind(f"{path}/narrative")]
