"""Compile the portal's translation catalogues (``locale/*/LC_MESSAGES/*.po`` → ``.mo``) in pure
Python, with polib: ``make run`` and a fresh machine need no GNU gettext. ``make messages`` runs
``makemessages`` (which does need it) and then this; ``--check`` only says whether every
committed ``.mo`` holds exactly what its ``.po`` says (tests/i18n/test_catalogues.py)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    return sorted(
        path for root in settings.LOCALE_PATHS for path in Path(root).glob("*/LC_MESSAGES/*.po")
    )


def entries(catalogue) -> dict:
    """(context, msgid, plural) → the translation(s), translated entries only, header left out."""
    held = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
            if not all(value):
                continue
        else:
            value = entry.msgstr
            if not value:
                continue
        held[(entry.msgctxt, entry.msgid, entry.msgid_plural or None)] = value
    return held


def out_of_step(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return True
    return entries(polib.pofile(str(po_path))) != entries(polib.mofile(str(mo_path)))


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (pure Python: no GNU gettext)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true",
            help="Change nothing; exit 1 if a .mo is missing or differs from its .po.",
        )

    def handle(self, *args, check=False, **options):
        stale = []
        for po_path in catalogues():
            if check:
                if out_of_step(po_path):
                    stale.append(po_path)
                continue
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue:  # gettext leaves fuzzy entries out of a compiled catalogue
                if "fuzzy" in entry.flags:
                    entry.msgstr = ""
                    entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"Compiled {po_path.relative_to(settings.BASE_DIR)}")
        if stale:
            names = ", ".join(str(p.relative_to(settings.BASE_DIR)) for p in stale)
            raise CommandError(f"Out of step with their .po (run `make messages`): {names}")
