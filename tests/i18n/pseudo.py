# ruff: noqa: RUF001, RUF003 — Russian letters, en dashes and × are meant.
"""A pseudo-locale for the tests (issue 15, "Tests"): a language only the tests know, in which
every message reads as its English text wrapped in markers — "Events" becomes "⟦Events⟧". A
page rendered in it shows at a glance which of its words went through a catalogue: any word
outside the markers was never translatable.

The language is Esperanto's code, ``eo`` (Django knows it in ``LANG_INFO``, and no reader of
the portal needs it). Its catalogues are made at test time, in a temporary directory put first
in ``LOCALE_PATHS``, from every message the Russian reader could be given:

- the portal's own catalogues (``locale/ru/LC_MESSAGES/django.po`` and ``djangojs.po``: every
  entry, translated or not, so that a string wrapped but not yet translated still counts as
  wrapped — the catalogue tests catch the missing translation);
- Django's (``django/conf/locale/ru``) and every installed app's Russian catalogue
  (``<app>/locale/ru``: the admin, auth, django-countries' country names, django-filter, axes,
  Django REST framework, …): the messages they translate (their ``.mo``; their ``.po`` where no
  ``.mo`` is shipped);
- the same apps' Esperanto catalogues, so that no real Esperanto shows through from them.

Plural messages get both English forms wrapped (``nplurals=2; plural=(n != 1);``). Numbers and
dates are written the Russian way in the pseudo-locale (``FORMAT_MODULE_PATH`` points ``eo`` at
Django's Russian formats), so a page in it also shows no-break-space grouping and comma decimals.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.test.utils import override_settings

CODE = "eo"
NAME = "⟦Pseudo⟧"
OPEN, CLOSE = "⟦", "⟧"
DOMAINS = ("django", "djangojs")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
# Where the pseudo-locale's number and date formats are looked up (a module made here, so that
# nothing but the tests carries it): ``<FORMATS_PACKAGE>.eo.formats`` is Django's Russian one.
FORMATS_PACKAGE = "tests_i18n_pseudo_formats"


def wrap(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def project_catalogues(language: str = "ru") -> list[Path]:
    """The portal's own catalogue sources for ``language`` (``locale/<language>/…/*.po``)."""
    return [
        Path(root) / language / "LC_MESSAGES" / f"{domain}.po"
        for root in settings.LOCALE_PATHS for domain in DOMAINS
        if (Path(root) / language / "LC_MESSAGES" / f"{domain}.po").exists()
    ]


def installed_catalogues(language: str) -> list[Path]:
    """The catalogues Django and the installed apps ship for ``language``: Django's own
    (``django/conf/locale``) and each app's ``locale`` directory; the ``.mo`` (what Django
    reads), else the ``.po``."""
    import django

    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    found = []
    for root in roots:
        for domain in DOMAINS:
            base = root / language / "LC_MESSAGES" / domain
            for candidate in (base.with_suffix(".mo"), base.with_suffix(".po")):
                if candidate.exists():
                    found.append(candidate)
                    break
    return found


def read(path: Path) -> polib._BaseFile:
    return polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))


def pseudo_entries(catalogues: Iterable[Path], every_entry: bool) -> Iterator[polib.POEntry]:
    """Each message of ``catalogues`` once, its English text wrapped. ``every_entry``: the
    untranslated entries too (the portal's own sources); else only those translated there."""
    for path in catalogues:
        for entry in read(path):
            if entry.obsolete or not entry.msgid:
                continue
            translated = entry.msgstr or any(entry.msgstr_plural.values())
            if not (every_entry or translated):
                continue
            pseudo = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
            if entry.msgid_plural:
                pseudo.msgid_plural = entry.msgid_plural
                pseudo.msgstr_plural = {0: wrap(entry.msgid), 1: wrap(entry.msgid_plural)}
            else:
                pseudo.msgstr = wrap(entry.msgid)
            yield pseudo


def build(directory: Path, language: str = "ru") -> dict[str, int]:
    """Write the pseudo-locale's catalogues, ``<directory>/eo/LC_MESSAGES/<domain>.mo``, from
    the Russian ones (and the installed apps' Esperanto ones). Returns the number of messages
    per domain."""
    sources = project_catalogues(language)
    third_party = installed_catalogues(language) + installed_catalogues(CODE)
    counts = {}
    for domain in DOMAINS:
        catalogue = polib.POFile()
        catalogue.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Language": CODE,
            "Plural-Forms": PLURAL_FORMS,
        }
        seen = set()
        for every_entry, paths in ((True, sources), (False, third_party)):
            paths = [path for path in paths if path.stem == domain]
            for entry in pseudo_entries(paths, every_entry):
                key = (entry.msgctxt, entry.msgid)
                if key not in seen:
                    seen.add(key)
                    catalogue.append(entry)
        target = directory / CODE / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        catalogue.save_as_mofile(str(target / f"{domain}.mo"))
        counts[domain] = len(catalogue)
    return counts


def _formats_module():
    """``<FORMATS_PACKAGE>.eo.formats``: Django's Russian formats, under the pseudo-locale's
    code (made in memory, so that ``FORMAT_MODULE_PATH`` can name it)."""
    from django.conf.locale.ru import formats as russian

    package = types.ModuleType(FORMATS_PACKAGE)
    package.__path__ = []
    language = types.ModuleType(f"{FORMATS_PACKAGE}.{CODE}")
    language.__path__ = []
    formats = types.ModuleType(f"{FORMATS_PACKAGE}.{CODE}.formats")
    formats.__dict__.update(
        {name: value for name, value in vars(russian).items() if name.isupper()}
    )
    package.eo, language.formats = language, formats
    for module in (package, language, formats):
        sys.modules.setdefault(module.__name__, module)


@contextmanager
def activated(directory: Path):
    """The settings under which the pseudo-locale is a language of the portal: its catalogues
    in ``directory`` (made by ``build``) first in ``LOCALE_PATHS``, ``eo`` in ``LANGUAGES``,
    Russian formats for it. Django's translation caches follow the settings (the
    ``setting_changed`` receivers empty them on the way in and out)."""
    _formats_module()
    with override_settings(
        LANGUAGES=[*settings.LANGUAGES, (CODE, NAME)],
        LOCALE_PATHS=[str(directory), *map(str, settings.LOCALE_PATHS)],
        FORMAT_MODULE_PATH=[FORMATS_PACKAGE],
    ):
        from django.utils.formats import reset_format_cache

        reset_format_cache()
        yield
    from django.utils.formats import reset_format_cache

    reset_format_cache()


# --------------------------------------------------------------------------------------------
# Reading a page
# --------------------------------------------------------------------------------------------
# Elements whose text no reader sees as text.
# Not interface text: scripts, styles, drawings, and commands shown as code to type
# (the open-data page's curl examples).
SKIPPED = {"script", "style", "template", "svg", "math", "code", "kbd", "samp"}
# Attributes a reader sees (or hears) as text, on any element.
TEXT_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description",
                   "aria-roledescription", "aria-valuetext", "label")
# Where a translated string cannot run on past: a marker left open by a string cut short (a
# truncated translation) stops there.
BLOCKS = {
    "html", "head", "body", "title", "main", "header", "footer", "nav", "aside", "section",
    "article", "div", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
    "tfoot", "tr", "td", "th", "caption", "form", "fieldset", "legend", "label", "button",
    "select", "option", "optgroup", "textarea", "h1", "h2", "h3", "h4", "h5", "h6",
    "figure", "figcaption", "details", "summary", "blockquote", "pre",
}


def unmarked_runs(text: str, depth: int = 0) -> tuple[list[str], int]:
    """The parts of ``text`` outside markers, and the marker depth at its end (markers nest:
    a translated string placed in another)."""
    runs, current = [], []
    for char in text:
        if char == OPEN:
            if depth == 0 and current:
                runs.append("".join(current))
                current = []
            depth += 1
        elif char == CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            current.append(char)
    if current:
        runs.append("".join(current))
    return runs, depth


def visible_texts(html: str) -> list[tuple[str, str]]:
    """Every text of the page a reader sees, outside markers: (where, text) pairs, ``where``
    the element (or ``element@attribute``) it was found in. Left out: the text of scripts,
    styles, templates and drawings, and of any element carrying a ``lang`` other than the
    page's own (content in its own language, the other language's link)."""
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(html)
    page_lang = (tree.get("lang") or "").lower()
    found: list[tuple[str, str]] = []

    def foreign(element) -> bool:
        lang = element.get("lang")
        return lang is not None and lang.lower() != page_lang

    def attributes(element):
        for name in TEXT_ATTRIBUTES:
            value = element.get(name)
            if value:
                found.extend((f"{element.tag}@{name}", run) for run in unmarked_runs(value)[0])
        if element.tag == "input" and element.get("type", "").lower() in {
            "submit", "button", "reset",
        } and element.get("value"):
            found.extend(("input@value", run) for run in unmarked_runs(element.get("value"))[0])
        if (element.tag == "meta" and element.get("name", "").lower() in {
            "description", "og:title", "og:description",
        }) or (element.tag == "meta" and element.get("property", "").lower() in {
            "og:title", "og:description",
        }):
            found.extend(("meta@content", run)
                         for run in unmarked_runs(element.get("content", ""))[0])

    def walk(element, depth: int) -> int:
        """Returns the marker depth after ``element`` and its tail."""
        if not isinstance(element.tag, str):  # a comment or processing instruction
            return depth
        tag = element.tag.lower()
        if tag in SKIPPED or foreign(element):
            return depth
        attributes(element)
        if tag in BLOCKS:
            depth = 0
        if element.text:
            runs, depth = unmarked_runs(element.text, depth)
            found.extend((tag, run) for run in runs)
        for child in element:
            depth = walk(child, depth)
            if child.tail:
                runs, depth = unmarked_runs(child.tail, depth)
                found.extend((tag, run) for run in runs)
        if tag in BLOCKS:
            depth = 0
        return depth

    walk(tree, 0)
    return [(where, " ".join(text.split())) for where, text in found if text.strip()]


# --------------------------------------------------------------------------------------------
# What may stand without markers
# --------------------------------------------------------------------------------------------
# Names and acronyms that read the same in every language.
ALLOWED_WORDS = {
    "UNODC", "UN", "IATI", "API", "JSON", "CSV", "XLSX", "XML", "PDF", "HTML", "URL", "REST",
    "OpenAPI", "Swagger", "ReDoc", "Django", "EUR", "USD", "GBP", "CHF", "RUB", "KZT", "KGS",
    "TJS", "TMT", "UZS", "ISK", "NOK", "SEK", "DKK", "JPY", "CAD", "AUD", "ISO", "UTC", "ID",
    "CSP", "HTTP", "HTTPS", "GitHub", "OK", "Excel", "DCA", "KG", "KZ", "TJ", "TM", "UZ",
    "kg", "g", "l", "ml",
    "en", "ru",  # language codes: modeltranslation's admin labels read "Title [en]", "Title [ru]"
    "Axes",  # django-axes, the sign-in lockout library: its name in the admin
    "True", "False",  # Django admin's yes/no icons: alt="True" / "False" (Django's, untranslated)
    "г",  # "year", written by Django's Russian date formats (24 марта 2011 г.)
}
# Text that is no interface word: numbers and dates in any writing, addresses, e-mail
# addresses, identifiers, punctuation and symbols.
_NOT_WORDS = re.compile(
    r"""
      https?://\S+                         # an address
    | [\w.+-]+@[\w-]+(\.[\w-]+)+            # an e-mail address
    | /[\w\-./?=&%#]*                       # a path
    | \b\d[\d\s\u00a0\u202f.,:/\-–—%+×]*\b  # numbers, dates, times, ranges
    | [^\w\s]                               # punctuation and symbols
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W\d_]{2,}|[^\W\d_]")


def leftover_words(text: str, allowed_text: Iterable[str] = ()) -> str:
    """What remains of ``text`` once the allowed text (content values, longest first), numbers,
    dates, punctuation and allowed names are taken out: "" when nothing is left."""
    for value in allowed_text:
        if value in text:
            text = text.replace(value, " ")
    text = _NOT_WORDS.sub(" ", text)
    words = [word for word in _WORD.findall(text) if word not in ALLOWED_WORDS]
    return " ".join(words)
