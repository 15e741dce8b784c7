"""The basis of a participant's personal data (issue 18): how it reached the register
(``Participant.sources``, ``DataSource`` codes, the first basis first) and whether the person
agreed to be contacted after the event (``Participant.contact_consent``). The rules for when a
second basis or a second answer arrives live here, once, for the import, the event page and
the merge (``activities.services``); the pages, the admin and the export read the labels."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from activities.models import ContactConsent, DataSource

RECORDED = frozenset({ContactConsent.YES, ContactConsent.NO})


def sources_label(codes: Iterable[str]) -> str:
    """The sources as a reader reads them, first basis first: "Attendance sheet, then partner
    agency list"; "Not recorded" for a record from before the question was asked. An unknown
    code (none is written, but the column is JSON) shows as itself."""
    labels = dict(DataSource.choices)
    shown = [str(labels.get(code, code)) for code in codes or []]
    if not shown:
        return gettext("Not recorded")
    later = [text[:1].lower() + text[1:] for text in shown[1:]]
    return gettext(", then ").join([shown[0], *later])


def with_source(sources: Iterable[str], code: str | None) -> list[str]:
    """``sources`` with ``code`` added at the end unless it is there already: a record matched
    again keeps its first basis and gains the new one, never twice."""
    kept = list(sources or [])
    if code and code not in kept:
        kept.append(code)
    return kept


def joined_sources(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """A merge: the kept record's sources, then the other's not yet listed, in their order."""
    kept = list(first or [])
    for code in second or []:
        kept = with_source(kept, code)
    return kept


def latest_consent(current: str, stated: str) -> str:
    """The consent after a new answer arrives for a record already in the register (an import
    that matches it): a recorded answer (yes or no) is the person's latest statement and
    replaces the older one; "not recorded" says nothing and never overwrites a recorded one."""
    return stated if stated in RECORDED else current


def merged_consent(keep: str, other: str) -> str:
    """A merge of two records of one person: a recorded answer beats "not recorded"; when both
    are recorded and differ, "no" wins — the records do not say which came last, and
    contacting someone who refused is the worse mistake."""
    if keep not in RECORDED:
        return other if other in RECORDED else keep
    if other in RECORDED and other != keep:
        return ContactConsent.NO
    return keep
