"""Participant-list rows against the register: each row's cells checked (text where text is
expected, no formulas, known organisation and country, an e-mail address), then each row
classified as new / matches existing / already at the event / likely duplicate / error, in a few
bulk queries whatever the number of rows. The columns and reading the file are in
``activities.imports``; likely duplicates are the register's rule
(``ParticipantQuerySet.likely_duplicates``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_countries import countries

from activities.imports import COLUMNS, STATUS_LABELS, Column
from activities.matching import duplicate_key, name_key
from activities.models import Country, Organisation, Participant, Participation
from unodc_portal.core.exports import FORMULA_PREFIXES

PHONE_NUMBER = re.compile(r"^\+[\d\s().-]+$")
SEX_WORDS = {
    Participant.Sex.FEMALE: {"female", "f", "woman", "w", "ж", "жен", "женский", "ayol"},
    Participant.Sex.MALE: {"male", "m", "man", "м", "муж", "мужской", "erkak"},
    Participant.Sex.NOT_RECORDED: {"", "not recorded", "-", "n/a"},
}
SEX_BY_WORD = {word: sex for sex, words in SEX_WORDS.items() for word in words}


class Lookup:
    """Reference data for a whole file, read in a few queries."""

    def __init__(self):
        self.organisations: dict[str, list[tuple[int, str]]] = {}
        # Real organisations only: demo ones (seed_demo) never enter the real record.
        for pk, name, acronym in Organisation.objects.real().values_list(
                "pk", "name", "acronym"):
            label = f"{name} ({acronym})" if acronym else name
            for word in {name.casefold().strip(), acronym.casefold().strip()} - {""}:
                self.organisations.setdefault(word, []).append((pk, label))
        self.countries = dict(Country.objects.values_list("code", "pk"))

    def organisation(self, text: str) -> tuple[int | None, str]:
        found = self.organisations.get(text.casefold().strip(), [])
        unique = dict(found)
        if len(unique) == 1:
            return next(iter(unique)), ""
        if len(unique) > 1:
            return None, (
                f"“{text}” names more than one organisation ("
                + "; ".join(sorted(unique.values())) + "); write its full name."
            )
        return None, (
            f"No organisation “{text}” in the portal. Check the spelling or the acronym, or add "
            "the organisation first (Workspace → add an organisation)."
        )

    def country(self, text: str) -> tuple[int | None, str]:
        text = text.strip()
        # alpha2() reads digits as a numeric code through int(), which takes any Unicode digit
        # ("²") and then fails: only ASCII text can be a code.
        code = (countries.alpha2(text) if text.isascii() else "") or countries.by_name(text)
        if not code:
            return None, f"“{text}” is not a country code or name (e.g. KG or Kyrgyzstan)."
        pk = self.countries.get(code)
        if pk is None:
            return None, (
                f"{countries.name(code)} ({code}) is not among the portal's countries; ask an "
                "administrator to add it."
            )
        return pk, ""


def _text(column: Column, value, errors: list) -> str:
    if isinstance(value, dict):
        kind, shown = next(iter(value.items()))
        if column.key == "phone" and kind == "number":
            return shown
        what = "a date" if kind == "date" else "a number"
        errors.append((column.label, f"{what} ({shown}) where text is expected."))
        return ""
    text = str(value).strip()
    message = _formula_error(column, text)
    if message:
        errors.append((column.label, message))
        return ""
    if len(text) > column.max_length:
        errors.append((column.label, f"longer than {column.max_length} characters."))
        return ""
    return text


def _formula_error(column: Column, text: str) -> str:
    """Why a spreadsheet could run the cell as a formula: a formula sign at the start, or right
    after a ";" (where spreadsheets set for Russian, Kazakh or Uzbek split cells); "" if not.
    Phone numbers (+996 555 123456, and several separated by ";") are not formulas."""
    for index, piece in enumerate(text.split(";")):
        if not piece.startswith(FORMULA_PREFIXES):
            continue
        if column.key == "phone" and PHONE_NUMBER.match(piece.strip()):
            continue
        if index == 0:
            return (f"starts with “{piece[0]}”, which spreadsheets run as a formula; remove "
                    "the sign.")
        return (f"has “{piece[0]}” right after “;”, which spreadsheets set to separate cells "
                "with “;” run as a formula; remove the sign or the “;”.")
    return ""


def validate_row(raw: dict, lookup: Lookup) -> dict:
    """One row's cleaned values and errors, without touching the database."""
    errors: list[tuple[str, str]] = []
    values = {column.key: _text(column, raw["values"].get(column.key, ""), errors)
              for column in COLUMNS}
    if not values["name"] and not any(c == "Name" for c, _ in errors):
        errors.append(("Name", "the name is missing."))
    sex = SEX_BY_WORD.get(values["sex"].casefold())
    if sex is None:
        errors.append(("Sex", f"“{values['sex']}” is not female, male or empty."))
    organisation_id = country_id = None
    if values["organisation"]:
        organisation_id, message = lookup.organisation(values["organisation"])
        if message:
            errors.append(("Organisation", message))
    if values["country"]:
        country_id, message = lookup.country(values["country"])
        if message:
            errors.append(("Country", message))
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(("E-mail", f"“{values['email']}” is not an e-mail address."))
    return {
        "n": raw["n"], "values": raw["values"], "clean": values, "sex": sex,
        "organisation_id": organisation_id, "country_id": country_id,
        "errors": [list(e) for e in errors],
    }


def classify(raw: list[dict], event) -> tuple[list[dict], dict]:
    """Each row as new / match / duplicate / already / error, in a few queries whatever the
    number of rows. Returns the rows and the count of each status."""
    lookup = Lookup()
    rows = [validate_row(r, lookup) for r in raw]
    for row in rows:
        row["name_key"] = name_key(row["clean"]["name"])
        row["duplicate_key"] = duplicate_key(row["organisation_id"], row["clean"]["name"])
        row["match_key"] = row["duplicate_key"][1]

    # Rows that name the same person twice in one file.
    seen_exact: dict[tuple, int] = {}
    seen_like: dict[tuple, int] = {}
    for row in rows:
        if row["errors"]:
            continue
        exact = (row["organisation_id"], row["name_key"])
        like = row["duplicate_key"]
        if exact in seen_exact:
            row["errors"].append(
                ["Name", f"the same person as row {seen_exact[exact]} (listed twice)."]
            )
            continue
        seen_exact[exact] = row["n"]
        if like in seen_like:
            row["file_duplicate_of"] = seen_like[like]
        else:
            seen_like[like] = row["n"]

    # The register's likely duplicates of the rows (activities.matching.duplicate_key).
    existing = {
        key: [{"id": p.pk, "name": p.name, "name_key": p.name_key} for p in records]
        for key, records in Participant.objects.real().only(
            "pk", "name", "organisation_id", "name_key", "match_key",
        ).likely_duplicates(r["duplicate_key"] for r in rows if not r["errors"]).items()
    }
    in_event = set(Participation.objects.filter(event=event).values_list("participant_id",
                                                                         flat=True))
    for row in rows:
        row.setdefault("match", None)
        row.setdefault("duplicates", [])
        if row["errors"]:
            row["status"] = "error"
            continue
        candidates = existing.get(row["duplicate_key"], [])
        same = [c for c in candidates if c["name_key"] == row["name_key"]]
        if same:
            row["match"] = same[0]
            row["status"] = "already" if same[0]["id"] in in_event else "match"
        elif candidates or row.get("file_duplicate_of"):
            row["duplicates"] = candidates[:5]
            row["status"] = "duplicate"
        else:
            row["status"] = "new"
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        del row["duplicate_key"]  # match_key and organisation_id are kept with the row
        counts[row["status"]] += 1
    return rows, counts
