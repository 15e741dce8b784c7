# ruff: noqa: RUF001, RUF003 — Russian letters, en dashes and × are meant.
"""The Russian catalogues (issue 15, "Tests"): ``locale/ru/LC_MESSAGES/django.po`` and
``djangojs.po``

- have no untranslated and no fuzzy entry;
- give every plural message each of the forms Russian needs (1 участник, 2 участника,
  5 участников: every form the catalogue's plural rule can choose);
- keep each message's placeholders (``%(name)s``, ``%s``, ``{name}``) in its translation;
- are in step with their compiled ``.mo`` files, which are committed (``make run`` needs no GNU
  gettext): every (context, message) of the ``.po`` compiled in memory is in the ``.mo`` with
  the same translation, and the ``.mo`` holds nothing else;
- hold every message ``make messages`` would extract today: makemessages is run, with the
  Makefile's options, in a copy of the sources (GNU gettext's xgettext needed: skipped without
  it, a failure under ``CI=true``).
"""

from __future__ import annotations

import gettext
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.engine import sqlite_only

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale" / "ru" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

pytestmark = sqlite_only("the catalogues and the sources are files: no database is read")


def catalogue_path(domain: str, suffix: str = ".po") -> Path:
    return LOCALE / f"{domain}{suffix}"


def present_domains() -> list[str]:
    """The domains the portal has a Russian catalogue for (the Python and templates' one at
    least; the scripts' where they have messages)."""
    return [domain for domain in DOMAINS if catalogue_path(domain).exists()]


def live(catalogue) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete and entry.msgid]


def where(entry: polib.POEntry) -> str:
    files = sorted({path for path, _line in entry.occurrences})
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r} ({', '.join(files) or 'no location'})"


@pytest.fixture(params=DOMAINS)
def domain(request):
    return request.param


@pytest.fixture
def catalogue(domain):
    path = catalogue_path(domain)
    if not path.exists():
        if domain == "django":
            pytest.fail(f"no Russian catalogue: {path}")
        pytest.skip(f"no {domain} catalogue (no message in the scripts)")
    return polib.pofile(str(path))


def test_the_django_catalogue_exists():
    assert catalogue_path("django").exists()
    assert catalogue_path("django", ".mo").exists()


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue, domain):
    untranslated = [where(e) for e in live(catalogue) if not e.translated() and not e.fuzzy]
    fuzzy = [where(e) for e in live(catalogue) if e.fuzzy]
    assert not untranslated and not fuzzy, (
        f"locale/ru/LC_MESSAGES/{domain}.po: {len(untranslated)} untranslated, "
        f"{len(fuzzy)} fuzzy\n" + "\n".join(
            [f"untranslated: {w}" for w in untranslated] + [f"fuzzy: {w}" for w in fuzzy]
        )
    )


def plural_rule(catalogue) -> tuple[int, callable]:
    header = catalogue.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", header)
    assert match, f"no Plural-Forms header: {header!r}"
    return int(match[1]), gettext.c2py(match[2])


def test_the_plural_rule_is_russians(catalogue):
    nplurals, plural = plural_rule(catalogue)
    one, few, many = plural(1), plural(2), plural(5)
    assert len({one, few, many}) == 3, "Russian has three forms: 1 / 2–4 / 5+"
    assert [plural(n) for n in (21, 101, 1001)] == [one] * 3
    assert [plural(n) for n in (3, 4, 22, 34, 102)] == [few] * 5
    assert [plural(n) for n in (0, 11, 12, 14, 15, 20, 25, 111, 1000)] == [many] * 9
    assert max(plural(n) for n in range(2000)) < nplurals


def test_plural_entries_have_every_russian_form(catalogue):
    nplurals, plural = plural_rule(catalogue)
    chosen = sorted({plural(n) for n in range(2000)})  # the forms whole numbers choose
    incomplete = [
        where(entry) for entry in live(catalogue) if entry.msgid_plural and (
            any(not entry.msgstr_plural.get(form, "").strip() for form in chosen)
            or sorted(entry.msgstr_plural) != list(range(nplurals))
        )
    ]
    assert not incomplete, f"plural forms {chosen} (of {nplurals}) needed:\n" + "\n".join(
        incomplete
    )


NAMED = re.compile(r"%\((\w+)\)[#0 +-]?\d*(?:\.\d+)?[sdifrxXeEgGc]")
POSITIONAL = re.compile(r"%(?!\()[#0 +-]?\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACED = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def placeholders(text: str) -> tuple[list[str], list[str], list[str]]:
    text = text.replace("%%", "")
    return (sorted(NAMED.findall(text)),
            [m[-1] for m in POSITIONAL.findall(text)],
            sorted(BRACED.findall(text)))


def placeholder_mismatches(entry: polib.POEntry) -> list[str]:
    """Each translation of ``entry`` whose placeholders differ from its message's. A plural
    form must have those of the plural message (Russian's "one" form serves 21, 31, …, so it
    carries the number too); it may leave out none, and add none the singular lacks."""
    wrong = []
    if entry.msgid_plural:
        wanted = placeholders(entry.msgid_plural)
        allowed = set(NAMED.findall(entry.msgid)) | set(NAMED.findall(entry.msgid_plural))
        for form, text in sorted(entry.msgstr_plural.items()):
            found = placeholders(text)
            if (set(found[0]) != set(wanted[0]) and not (
                    set(wanted[0]) <= set(found[0]) <= allowed)) or found[1:] != wanted[1:]:
                wrong.append(f"{where(entry)} form {form}: {text!r}")
    elif entry.msgstr and placeholders(entry.msgstr) != placeholders(entry.msgid):
        wrong.append(f"{where(entry)}: {entry.msgstr!r}")
    return wrong


def test_translations_keep_the_placeholders_of_their_messages(catalogue):
    wrong = [line for entry in live(catalogue) if entry.translated()
             for line in placeholder_mismatches(entry)]
    assert not wrong, "placeholders changed:\n" + "\n".join(wrong)


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    def entry(msgid, msgstr="", plural="", forms=None):
        return polib.POEntry(msgid=msgid, msgstr=msgstr, msgid_plural=plural,
                             msgstr_plural=forms or {})

    assert not placeholder_mismatches(entry("%(name)s signed in", "%(name)s вошёл"))
    assert placeholder_mismatches(entry("%(name)s signed in", "%(nom)s вошёл"))
    assert placeholder_mismatches(entry("Page %s of %s", "Страница %s"))
    assert placeholder_mismatches(entry("{count} rows", "строки"))
    assert not placeholder_mismatches(entry("100%% done", "готово на 100%%"))
    forms = {0: "%(n)s участник", 1: "%(n)s участника", 2: "%(n)s участников",
             3: "%(n)s участника"}
    assert not placeholder_mismatches(entry("One participant", plural="%(n)s participants",
                                            forms=forms))
    assert placeholder_mismatches(entry("%(n)s participant", plural="%(n)s participants",
                                        forms={**forms, 0: "один участник"}))


# --------------------------------------------------------------------------------------------
# The compiled catalogues
# --------------------------------------------------------------------------------------------
def translations(catalogue) -> dict[tuple[str | None, str], object]:
    """(context, message) → translation (a tuple of the forms for a plural message), of the
    entries a compiled catalogue holds: the translated, not fuzzy, not obsolete ones."""
    found = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if any(forms):
                found[(entry.msgctxt or None, entry.msgid, entry.msgid_plural)] = forms
        elif entry.msgstr:
            found[(entry.msgctxt or None, entry.msgid)] = entry.msgstr
    return found


def test_the_committed_mo_files_are_in_step_with_the_po_files(catalogue, domain, tmp_path):
    compiled_path = catalogue_path(domain, ".mo")
    assert compiled_path.exists(), f"{compiled_path} missing: run `make messages`"
    committed = polib.mofile(str(compiled_path))
    # The .po compiled now (in a temporary file: polib writes .mo files to a path) and read
    # back, beside the committed one.
    fresh_path = tmp_path / f"{domain}.mo"
    catalogue.save_as_mofile(str(fresh_path))
    fresh = translations(polib.mofile(str(fresh_path)))
    assert fresh == translations(catalogue)  # the compilation keeps every translation
    in_mo = translations(committed)
    missing = sorted(str(key) for key in fresh.keys() - in_mo.keys())
    stale = sorted(str(key) for key in in_mo.keys() - fresh.keys())
    changed = sorted(str(key) for key in fresh.keys() & in_mo.keys() if fresh[key] != in_mo[key])
    assert not (missing or stale or changed), (
        f"{compiled_path.name} is not the compiled {domain}.po: run `make messages`\n"
        f"missing: {missing[:20]}\nnot in the .po: {stale[:20]}\nchanged: {changed[:20]}"
    )
    assert committed.metadata.get("Plural-Forms") == catalogue.metadata.get("Plural-Forms")


# --------------------------------------------------------------------------------------------
# Extraction: every message in the sources is in the catalogue
# --------------------------------------------------------------------------------------------
# What ``make messages`` passes to makemessages (read from the Makefile, so that the two agree).
DEFAULT_OPTIONS = ["--add-location", "file", "--no-obsolete"]
DEFAULT_IGNORE = [".venv/*", "tests/*", "benchmarks/*", "staticfiles/*", "node_modules/*",
                  "static/vendor/*"]


def makefile_ignore() -> list[str]:
    """The ``-i`` patterns of the Makefile's ``MESSAGES_IGNORE``."""
    makefile = BASE_DIR / "Makefile"
    text = makefile.read_text() if makefile.exists() else ""
    match = re.search(r"^MESSAGES_IGNORE\s*:?=\s*(.+)$", text, re.MULTILINE)
    if not match:
        return DEFAULT_IGNORE
    words = shlex.split(match[1])
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word in {"-i", "--ignore"}]


# Never copied: what makemessages would not read, and what is big.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "staticfiles", "__pycache__", "tests", "benchmarks",
    "backups", "media", "vendor", "*.sqlite3", "*.mo", ".pytest_cache", ".ruff_cache",
)

EXTRACT = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "unodc_portal.settings"
django.setup()
from django.conf import settings
from django.core.management import call_command
assert str(settings.BASE_DIR) == os.getcwd(), (settings.BASE_DIR, os.getcwd())
ignore = sys.argv[1:]
for domain in ("django", "djangojs"):
    call_command("makemessages", locale=["ru"], domain=domain, ignore_patterns=ignore,
                 add_location="file", no_obsolete=True, verbosity=0)
"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    """The catalogues makemessages makes today from the sources, with the Makefile's options,
    in a copy of the sources without catalogues (so that it holds only what it extracted)."""
    if not shutil.which("xgettext"):
        message = "GNU gettext (xgettext) is needed to extract the messages"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    copy = tmp_path_factory.mktemp("sources") / "portal"
    shutil.copytree(BASE_DIR, copy, ignore=NOT_COPIED, symlinks=True)
    shutil.rmtree(copy / "locale", ignore_errors=True)
    (copy / "locale").mkdir()
    env = {**os.environ, "PYTHONPATH": str(copy), "DJANGO_DEBUG": "1",
           "DATABASE_URL": f"sqlite:///{copy / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-c", EXTRACT, *makefile_ignore()], cwd=copy, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = copy / "locale" / "ru" / "LC_MESSAGES"
    return {domain: polib.pofile(str(out / f"{domain}.po"))
            for domain in DOMAINS if (out / f"{domain}.po").exists()}


def keys(catalogue) -> set[tuple]:
    return {(e.msgctxt or None, e.msgid, e.msgid_plural or None) for e in live(catalogue)}


def test_every_message_in_the_sources_is_in_the_catalogue(extracted, domain):
    today = extracted.get(domain)
    if today is None or not live(today):
        return  # nothing to extract for this domain
    path = catalogue_path(domain)
    assert path.exists(), f"{len(live(today))} messages to translate and no {path}"
    committed = polib.pofile(str(path))
    missing = keys(today) - keys(committed)
    by_key = {(e.msgctxt or None, e.msgid, e.msgid_plural or None): e for e in live(today)}
    assert not missing, (
        f"{len(missing)} messages of the sources are not in locale/ru/LC_MESSAGES/{domain}.po: "
        f"run `make messages` and translate them\n"
        + "\n".join(sorted(where(by_key[key]) for key in missing))
    )


def test_the_catalogue_holds_no_message_the_sources_no_longer_have(extracted, domain):
    today = extracted.get(domain)
    path = catalogue_path(domain)
    if not path.exists():
        return
    stale = keys(polib.pofile(str(path))) - (keys(today) if today is not None else set())
    assert not stale, (
        f"locale/ru/LC_MESSAGES/{domain}.po has messages no source has any more: run "
        f"`make messages`\n" + "\n".join(sorted(map(str, stale)))
    )
