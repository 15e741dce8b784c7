"""Participant-list rows against the register: each row's cells checked (text where text is
expected, no formulas, known organisation and country, an e-mail address), then each row
classified as new / matches existing / already at the event / likely duplicate / error, in a few
bulk queries whatever the number of rows. The columns and reading the file are in
``activities.imports``; likely duplicates are the register's rule
(``ParticipantQuerySet.likely_duplicates``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django_countries import countries

from activities.imports import COLUMN_BY_KEY, COLUMNS, STATUS_LABELS, Column
from activities.matching import duplicate_key, name_key
from activities.models import Country, Organisation, Participant, Participation
from unodc_portal.core.exports import FORMULA_PREFIXES

PHONE_NUMBER = re.compile(r"^\+[\d\s().-]+$")
# Sex as written in a file, in English, Russian or Uzbek whatever the page's language (the
# choices' labels in every language of the portal are added by ``sex_from``).
SEX_WORDS = {
    Participant.Sex.FEMALE: {"female", "f", "woman", "w", "ж", "жен", "женский", "женщина",
                             "ayol"},
    Participant.Sex.MALE: {"male", "m", "man", "м", "муж", "мужской", "мужчина", "erkak"},
    Participant.Sex.NOT_RECORDED: {"", "not recorded", "-", "\u2013", "\u2014", "n/a", "не указан",
                                   "не указано", "не указан(а)"},
}
SEX_BY_WORD = {word: sex for sex, words in SEX_WORDS.items() for word in words}
# Country names officers write that django-countries does not know (its own English and
# Russian names are read too).
COUNTRY_WORDS = {
    "кыргызстан": "KG", "кыргызская республика": "KG", "киргизская республика": "KG",
    "kyrgyz republic": "KG", "туркмения": "TM", "республика казахстан": "KZ",
    "республика узбекистан": "UZ", "республика таджикистан": "TJ", "рф": "RU",
}


def sex_from(text: str) -> str | None:
    """The sex code a cell names, or None: English and Russian words, one letter or the whole
    word, a final full stop ignored ("жен.")."""
    word = " ".join(text.split()).casefold()
    word = word[:-1] if word.endswith(".") and len(word) > 1 else word
    if word in SEX_BY_WORD:
        return SEX_BY_WORD[word]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in Participant.Sex.choices:
                if str(label).casefold() == word:
                    return value
    return None


# --------------------------------------------------------------------------------------------
# Row errors: stored with the row as (column key, English message, its values) and as English
# text; shown in the reader's language (``shown_errors``)
# --------------------------------------------------------------------------------------------
def _error(errors: list, key: str, message: str, **params) -> None:
    """Record a row's error: ``message`` is an English text marked with gettext_noop, whose
    %(name)s placeholders ``params`` fill."""
    errors.append((key, message, params))


def _fill(message: str, params: dict) -> str:
    values = dict(params)
    if "code" in values:  # a country: its name in the active language
        values["country"] = str(countries.name(values["code"])) or values["code"]
    return message % values if values else message


def shown_errors(row: dict) -> list[tuple[str, str]]:
    """A stored row's errors as (column, reason) in the active language; rows stored before
    errors were kept as codes show their English text."""
    problems = row.get("problems")
    if problems is None:
        return [tuple(error) for error in row.get("errors", [])]
    shown = []
    for key, message, params in problems:
        column = COLUMN_BY_KEY.get(key)
        shown.append((str(column.title) if column else key, _fill(gettext(message), params)))
    return shown


class Lookup:
    """Reference data for a whole file, read in a few queries."""

    def __init__(self):
        self.organisations: dict[str, list[tuple[int, str]]] = {}
        # Every language's name and acronym (django-modeltranslation's columns when there are
        # some); real organisations only: demo ones (seed_demo) never enter the real record.
        present = {f.name for f in Organisation._meta.concrete_fields}
        names = [f for f in ("name_en", "name_ru") if f in present] or ["name"]
        acronyms = [f for f in ("acronym_en", "acronym_ru") if f in present] or ["acronym"]
        for pk, *words in Organisation.objects.real().values_list("pk", *names, *acronyms):
            name, acronym = words[0] or "", words[len(names)] or ""
            label = f"{name} ({acronym})" if acronym else name
            for word in {(w or "").casefold().strip() for w in words} - {""}:
                self.organisations.setdefault(word, []).append((pk, label))
        self.countries = dict(Country.objects.values_list("code", "pk"))

    def organisation(self, text: str) -> tuple[int | None, tuple]:
        found = self.organisations.get(text.casefold().strip(), [])
        unique = dict(found)
        if len(unique) == 1:
            return next(iter(unique)), ()
        if len(unique) > 1:
            return None, (gettext_noop(
                "“%(text)s” names more than one organisation (%(names)s); write its full name."
            ), {"text": text, "names": "; ".join(sorted(unique.values()))})
        return None, (gettext_noop(
            "No organisation “%(text)s” in the portal. Check the spelling or the acronym, or "
            "add the organisation first (Workspace → add an organisation)."
        ), {"text": text})

    def country(self, text: str) -> tuple[int | None, tuple]:
        text = text.strip()
        # alpha2() reads digits as a numeric code through int(), which takes any Unicode digit
        # ("²") and then fails: only ASCII text can be a code.
        code = (
            (countries.alpha2(text) if text.isascii() else "")
            or countries.by_name(text)
            or countries.by_name(text, language="ru")
            or COUNTRY_WORDS.get(" ".join(text.split()).casefold(), "")
        )
        if not code:
            return None, (gettext_noop(
                "“%(text)s” is not a country code or name (e.g. KG or Kyrgyzstan)."
            ), {"text": text})
        pk = self.countries.get(code)
        if pk is None:
            return None, (gettext_noop(
                "%(country)s (%(code)s) is not among the portal's countries; ask an "
                "administrator to add it."
            ), {"code": code})
        return pk, ()


def _text(column: Column, value, errors: list) -> str:
    if isinstance(value, dict):
        kind, shown = next(iter(value.items()))
        if column.key == "phone" and kind == "number":
            return shown
        if kind == "date":
            _error(errors, column.key, gettext_noop("a date (%(value)s) where text is expected."),
                   value=shown)
        else:
            _error(errors, column.key,
                   gettext_noop("a number (%(value)s) where text is expected."), value=shown)
        return ""
    text = str(value).strip()
    problem = _formula_error(column, text)
    if problem:
        _error(errors, column.key, problem[0], **problem[1])
        return ""
    if len(text) > column.max_length:
        _error(errors, column.key, gettext_noop("longer than %(limit)s characters."),
               limit=column.max_length)
        return ""
    return text


def _formula_error(column: Column, text: str) -> tuple:
    """Why a spreadsheet could run the cell as a formula: a formula sign at the start, or right
    after a ";" (where spreadsheets set for Russian, Kazakh or Uzbek split cells); () if not.
    Phone numbers (+996 555 123456, and several separated by ";") are not formulas."""
    for index, piece in enumerate(text.split(";")):
        if not piece.startswith(FORMULA_PREFIXES):
            continue
        if column.key == "phone" and PHONE_NUMBER.match(piece.strip()):
            continue
        if index == 0:
            return (gettext_noop(
                "starts with “%(sign)s”, which spreadsheets run as a formula; remove the sign."
            ), {"sign": piece[0]})
        return (gettext_noop(
            "has “%(sign)s” right after “;”, which spreadsheets set to separate cells with "
            "“;” run as a formula; remove the sign or the “;”."
        ), {"sign": piece[0]})
    return ()


def validate_row(raw: dict, lookup: Lookup) -> dict:
    """One row's cleaned values and errors, without touching the database."""
    errors: list[tuple[str, str, dict]] = []
    values = {column.key: _text(column, raw["values"].get(column.key, ""), errors)
              for column in COLUMNS}
    if not values["name"] and not any(key == "name" for key, _m, _p in errors):
        _error(errors, "name", gettext_noop("the name is missing."))
    sex = sex_from(values["sex"])
    if sex is None:
        _error(errors, "sex", gettext_noop("“%(text)s” is not female, male or empty."),
               text=values["sex"])
    organisation_id = country_id = None
    if values["organisation"]:
        organisation_id, problem = lookup.organisation(values["organisation"])
        if problem:
            _error(errors, "organisation", problem[0], **problem[1])
    if values["country"]:
        country_id, problem = lookup.country(values["country"])
        if problem:
            _error(errors, "country", problem[0], **problem[1])
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            _error(errors, "email", gettext_noop("“%(text)s” is not an e-mail address."),
                   text=values["email"])
    row = {
        "n": raw["n"], "values": raw["values"], "clean": values, "sex": sex,
        "organisation_id": organisation_id, "country_id": country_id,
        "errors": [], "problems": [],
    }
    for key, message, params in errors:
        _add_error(row, key, message, params)
    return row


def _add_error(row: dict, key: str, message: str, params: dict) -> None:
    """The error kept twice: as codes for display in the reader's language, and as English
    text (the stored record of what was wrong)."""
    row["problems"].append([key, message, params])
    with translation.override("en"):
        row["errors"].append([COLUMN_BY_KEY[key].label, _fill(message, params)])


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
            _add_error(row, "name",
                       gettext_noop("the same person as row %(row)s (listed twice)."),
                       {"row": seen_exact[exact]})
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
