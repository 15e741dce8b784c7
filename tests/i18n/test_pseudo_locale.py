# ruff: noqa: RUF001, RUF003 — Russian letters, en dashes and × are meant.
"""Every word of the interface goes through a catalogue (issue 15, "Tests"): every HTML page of
the permission matrix (tests/access.py and the expectations beside each app), for every role
that may open it, rendered in the pseudo-locale (tests/i18n/pseudo.py: each message its English
text wrapped in ⟦…⟧), shows no visible text outside the markers.

Visible: the text of the page (its title, options and hidden parts — shown by a script, or to
screen readers — included), and the attributes a reader sees or hears: alt, title,
placeholder, aria-label (…), a submit button's value, the page's description. Not checked: the
text of scripts, styles, templates and drawings.

Allowed without markers:
- text inside an element carrying a ``lang`` other than the page's (content in its own
  language, the link to the other language);
- the records' own content: every text value of the test database (``content_values``), taken
  out longest first, and a longer run that is part of one (a value cut short on a list);
- numbers, dates, addresses, punctuation, and the names and acronyms of
  ``pseudo.ALLOWED_WORDS``.

Besides, ``EXEMPT``: the few strings no catalogue can reach, each with its reason.

The answers that are not pages (exports, JSON, XML) are left out, and the pages outside the
language prefix (the API's documentation: its addresses carry no language); of the refusals
(403, 404, 405), the first of each role and status is read. On failure the report lists the
strings without markers met on many pages (the layout's) once, then per page the others, each
with the roles that met it; ``PSEUDO_REPORT=<file>`` writes it to a file as well.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.utils import translation

from tests import access
from tests.engine import sqlite_only
from tests.i18n import pseudo
from tests.portal.test_access_coverage import EXPECTATION_SETS

world = access.world_fixture()

# The walk's budget on SQLite (issue 15: the whole suite within the CI budget).
BUDGET_SECONDS = 60
# A run of unmarked text this long that is part of a record's text is that text cut short.
CUT_SHORT = 12


# Text no catalogue can reach: pattern -> why. (Shown to admins only, in the admin's lists of
# what a deletion takes with it.)
EXEMPT = {
    r"^(md5|\w{1,6}\*+)$":
        "the summary of a stored password on the admin's user page: the hasher's name and the "
        "masked salt and hash (the tests hash with MD5, whose summary gives them unlabelled)",
    r"^\w[\w ]*-[\w ]+ relationships?(: \d+|: \w+ object \(\d+\))?$":
        "a many-to-many table Django makes itself: its name (\"Event-person relationship\") "
        "is made once, in English, when the model is, and its rows have no name but "
        "\"Event_trainers object (1)\"",
    r"^(› )?(Failed access: user .* on .* from .*|Attempted Access: .*|Access Log for .*)$":
        "django-axes' names of its records (its models' __str__, not translated by axes)",
    r"^(Access attempt expiration|\d+ Attempt Remaining|Clean up expired attempts|Status"
    r"|Axes \| access attempt expiration \| Can \w+ access attempt expiration)$":
        "django-axes' own admin (its lockout records): labels its Russian catalogue lacks",
    r"^(If disabled, the current password for this user will be lost\.|Whether the user will "
    r"be able to authenticate using a password or not\. If disabled, .*)$":
        "Django's AdminPasswordChangeForm joins its help text to a plain string when it is "
        "imported (django/contrib/auth/forms.py), so it is English in every language",
    r"^(History (date|type|user|change reason|id)|\d+ historical"
    r"|(.* )?as of \d{4}-\d\d-\d\d .*|Activities|Results|Attachments|None)$":
        "django-simple-history's own columns of its history tables and its name of a version "
        "(plain strings in the library, which no catalogue can reach), and the application's "
        "label it prints in its history page's breadcrumbs, and the Python None it prints for "
        "a version saved without a change reason: shown to admins only",
    r"^([a-z]+:[a-z_-]+(, batch \d+: \d+ rows?)?|subject access (page|file)|backup)$":
        "the access log's \"what\" (admins only): the URL name of the page that showed "
        "personal data, or the command's name, a code written while the walk runs, so it is "
        "not among the content values read before it",
}
_EXEMPT = re.compile("|".join(f"(?:{pattern})" for pattern in EXEMPT))


def content_values() -> list[str]:
    """Every text value of the test database — the records' content, in their own words: the
    values of every character and text field (but codes: fields with choices), each line of a
    longer text on its own, and the strings of JSON values (an import's rows). Longest first,
    so that a value is taken out before the shorter ones inside it."""
    values: set[str] = set()

    def add(value):
        if isinstance(value, str):
            value = value.strip()
            if len(value) >= 2:
                values.add(value)
                values.update(line.strip() for line in value.splitlines() if len(line) >= 2)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    for model in apps.get_models():
        fields = [
            field.attname for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and not field.choices and field.name != "password"
        ]
        if fields and model._meta.managed:
            for row in model._base_manager.values_list(*fields):
                add(list(row))
    return sorted(values, key=lambda value: (-len(value), value))


def content_pattern(values: list[str]) -> re.Pattern:
    """The content values as whole words (a value "Osh" does not excuse "Oshkosh")."""
    return re.compile("|".join(rf"(?<!\w){re.escape(value)}(?!\w)" for value in values))


def pages(world) -> list[tuple[str, str, str]]:
    """(URL name, role, address in the pseudo-locale) of every HTML page of the matrix, and of
    the first refusal of each status per role."""
    found, refusals = [], set()
    with translation.override(pseudo.CODE):
        for expectations in EXPECTATION_SETS.values():
            for name, expect in expectations.items():
                if not expect.content_type.startswith("text/html"):
                    continue
                for role in access.ROLES:
                    status = expect.status[role]
                    if isinstance(status, access.Redirect):
                        continue
                    if status != 200:
                        if (role, status) in refusals:
                            continue
                        refusals.add((role, status))
                    found.append((name, role, expect.url(name, world)))
    return found


def clients(world) -> dict[str, Client]:
    """A client per role, signed in with the world's session, asking for the pseudo-locale
    (for the addresses that carry no language: the API's, the admin's where not prefixed)."""
    made = {}
    for role in access.ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE=pseudo.CODE)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = pseudo.CODE
        made[role] = access.client_for(role, client, world)
    return made


def unmarked(html: str, content: re.Pattern, joined_content: str) -> list[tuple[str, str]]:
    """(where, text) of each visible text without markers that is not allowed."""
    found = []
    for where, text in pseudo.visible_texts(html):
        if _EXEMPT.search(text):
            continue
        stripped = text.strip(" .…,;:")
        if len(stripped) >= CUT_SHORT and stripped in joined_content:
            continue
        if pseudo.leftover_words(content.sub(" ", text)):
            found.append((where, text))
    return found


# On this many URL names or more, a string is the layout's (the navigation, the footer, a shared
# include): reported once, not under each page.
COMMON = 8


def report(failures: dict[str, dict[str, set[str]]], checked: int) -> str:
    """The strings without markers: first those met on many pages (the layout's), then per URL
    name the others, each with the roles that met it."""
    pages_of: dict[str, set[str]] = defaultdict(set)
    for name, found in failures.items():
        for text in found:
            pages_of[text].add(name)
    common = {text for text, names in pages_of.items() if len(names) >= COMMON}
    strings = len(pages_of)

    def who(roles) -> str:
        return "every role" if set(roles) >= set(access.ROLES) else ", ".join(
            role for role in access.ROLES if role in roles
        )

    lines = [f"{strings} visible strings without markers, on {len(failures)} URL names "
             f"({checked} answers read in the pseudo-locale)."]
    if common:
        lines.append(f"\nOn {COMMON} or more pages (the layout, shared includes):")
        for text in sorted(common):
            roles = set().union(*(failures[name][text] for name in pages_of[text]))
            lines.append(f"    {text!r}  [{len(pages_of[text])} pages; {who(roles)}]")
    for name in sorted(failures):
        own = {text: roles for text, roles in failures[name].items() if text not in common}
        if own:
            lines.append(f"\n{name}")
            lines.extend(f"    {text!r}  [{who(roles)}]" for text, roles in sorted(own.items()))
    return "\n".join(lines)


@sqlite_only("the walk reads pages, whose words are the same whatever engine holds the rows")
@pytest.mark.django_db
def test_every_page_of_every_role_shows_only_translatable_words(world, pseudo_locale):
    assert pseudo_locale["django"] > 1000, pseudo_locale  # Django's and the apps' at least
    started = time.monotonic()
    values = content_values()
    content, joined_content = content_pattern(values), "\0".join(values)
    by_role = clients(world)
    failures: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    checked, outside = 0, set()
    for name, role, url in pages(world):
        response = by_role[role].get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if "<html" not in html[:500]:
            continue  # an empty refusal (405)
        if not url.startswith(f"/{pseudo.CODE}/"):
            # Outside the language prefix (the API's documentation): in the default language.
            outside.add(access.url_name(name))
            continue
        assert f'lang="{pseudo.CODE}"' in html[:500], f"{url} as {role}: not in the pseudo-locale"
        checked += 1
        for where, text in unmarked(html, content, joined_content):
            failures[access.url_name(name)][f"{text[:100]}  <{where}>"].add(role)
    elapsed = time.monotonic() - started
    print(f"pseudo-locale: {checked} answers read in {elapsed:.0f} s; outside the language "
          f"prefix, not read: {sorted(outside)}")
    if elapsed > BUDGET_SECONDS:  # a loaded machine is slow: said, not failed
        warnings.warn(f"the pseudo-locale walk took {elapsed:.0f} s, over its "
                      f"{BUDGET_SECONDS} s budget", stacklevel=1)
    assert checked > 100, f"only {checked} pages read under /{pseudo.CODE}/: no language prefix?"
    text = report(failures, checked) if failures else ""
    if os.environ.get("PSEUDO_REPORT"):
        Path(os.environ["PSEUDO_REPORT"]).write_text(text or f"{checked} answers, all marked\n")
    assert not failures, text


# --------------------------------------------------------------------------------------------
# The pseudo-locale itself, and the reader of pages
# --------------------------------------------------------------------------------------------
def test_the_pseudo_locale_wraps_the_portals_djangos_and_the_apps_messages(pseudo_locale):
    from django.utils.translation import gettext, ngettext, pgettext

    with translation.override(pseudo.CODE):
        assert translation.get_language() == pseudo.CODE
        # Django's own, an app's (django-countries' country names), a plural, a context.
        assert gettext("This field is required.") == "⟦This field is required.⟧"
        from django_countries import countries

        assert countries.name("KG") == "⟦Kyrgyzstan⟧"
        assert ngettext("%(n)s item", "%(n)s items", 1) == "%(n)s item"  # not in any catalogue
        assert pgettext("alt. month", "March") == "⟦March⟧"
        with_plural = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            5,
        )
        assert with_plural.startswith("⟦") and "characters" in with_plural
    # Nothing of it is left once the module's settings are undone elsewhere: English by default.
    assert gettext("This field is required.") == "This field is required."


def test_the_pseudo_locale_writes_numbers_and_dates_the_russian_way(pseudo_locale):
    import datetime

    from django.utils import formats

    with translation.override(pseudo.CODE):
        assert formats.number_format(1234567.5, 2, use_l10n=True, force_grouping=True) == (
            "1\u00a0234\u00a0567,50"
        )
        assert formats.date_format(datetime.date(2011, 3, 24)) == "24 ⟦March⟧ 2011 г."
        assert pseudo.leftover_words("24 ⟦March⟧ 2011 г.".replace("⟦March⟧", "")) == ""


def test_the_portals_own_messages_are_wrapped_when_the_catalogue_has_them(pseudo_locale):
    sources = pseudo.project_catalogues()
    if not sources:
        pytest.skip("no Russian catalogue yet (locale/ru/LC_MESSAGES/django.po)")
    import polib

    entry = next(e for e in polib.pofile(str(sources[0])) if e.msgid and not e.msgid_plural
                 and not e.obsolete)
    with translation.override(pseudo.CODE):
        assert translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else (
            translation.gettext(entry.msgid)
        ) == f"⟦{entry.msgid}⟧"


def test_the_reader_finds_unmarked_text_and_attributes_and_lets_the_rest_pass():
    html = """<!DOCTYPE html><html lang="eo"><head><title>⟦Events⟧ – Portal</title>
    <script>const label = "Not shown";</script><style>p::after{content:"x"}</style></head>
    <body><nav aria-label="Main navigation"><a href="/eo/">⟦Home⟧</a>
    <a href="/" hreflang="en" lang="en">English</a></nav>
    <main><h1>⟦Showing <strong>3</strong> of %(n)s events⟧</h1>
    <p>⟦Held on⟧ 24–25 ⟦March⟧ 2011, 3 000 000 EUR</p>
    <p>⟦Cut short…</p><p>Loose words</p>
    <img src="x.png" alt="⟦A chart⟧"><input placeholder="Search" type="search">
    <input type="submit" value="Go"><button title="⟦Close⟧">×</button>
    <div hidden>Shown by a script</div><template><p>Inert</p></template>
    <blockquote lang="en">Quoted content in English</blockquote>
    <p>⟦Organised by %(name)s: ⟦Drug Control Agency⟧⟧</p></main></body></html>"""
    found = [(where, text) for where, text in pseudo.visible_texts(html)
             if pseudo.leftover_words(text)]
    assert found == [
        ("title", "– Portal"),
        ("nav@aria-label", "Main navigation"),
        ("p", "Loose words"),
        ("input@placeholder", "Search"),
        ("input@value", "Go"),
        ("div", "Shown by a script"),
    ]


def test_numbers_dates_names_and_content_are_not_words_to_translate():
    assert pseudo.leftover_words("24–25 2011, 3\u00a0000\u00a0000,50 EUR (UNODC, IATI)") == ""
    assert pseudo.leftover_words("2024-03-05 12:30 · 45 % · https://www.unodc.org/x") == ""
    assert pseudo.leftover_words("officer@unodc.example /events/?page=2") == ""
    assert pseudo.leftover_words("Page 2 of 5") == "Page of"
    values = ["Matrix workshop", "Osh"]
    assert pseudo.leftover_words(content_pattern(values).sub(" ", "Matrix workshop, Osh")) == ""
    assert pseudo.leftover_words(content_pattern(values).sub(" ", "Oshkosh")) == "Oshkosh"
