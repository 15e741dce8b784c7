"""The small-cell rule for participant figures (README, "Privacy").

A group smaller than 3 reads "fewer than 3", and with it the smallest other group is "not
shown", so that the total (which is shown) cannot be used to subtract back to it; hidden groups
are listed after the shown ones, in label order. A population smaller than 3 gets no breakdown
at all. What ``protect()`` shows narrows no hidden group beyond its label, for a reader who
knows the method (tests/privacy_auditor.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SMALL_CELL = 3


class State(models.TextChoices):
    """What a page prints for a figure: a code; its words are translated when displayed."""

    SHOWN = "shown", _("shown")
    FEWER_THAN = "fewer_than", _("fewer than 3")
    NOT_SHOWN = "not_shown", _("not shown")
    AT_LEAST = "at_least", _("at least")


# The labels of the two protected states, translated when displayed ("fewer than 3" and "not
# shown" in English). Code compares ``State`` codes, never these words.
FEWER_THAN = State.FEWER_THAN.label
NOT_SHOWN = State.NOT_SHOWN.label


def format_count(number: int) -> str:
    """A count in the reader's language: 3,000 in English, 3 000 in Russian (no-break space)."""
    return number_format(number, 0, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Figure:
    """A figure as a page prints it: its state and, unless it is protected, its number (None
    for "fewer than 3" and "not shown", so that nothing can read what they hide)."""

    state: str = State.SHOWN
    number: int | None = None

    @classmethod
    def of(cls, number: int) -> Figure:
        return cls(State.SHOWN, number)

    @property
    def published(self) -> int | None:
        """The number a page prints exactly (a shown figure's), else None."""
        return self.number if self.state == State.SHOWN else None

    @property
    def is_zero(self) -> bool:
        return self.state == State.SHOWN and self.number == 0

    def __str__(self) -> str:
        if self.state == State.SHOWN:
            return format_count(self.number)
        if self.state == State.AT_LEAST:
            return gettext("at least %(number)s") % {"number": format_count(self.number)}
        return str(State(self.state).label)


# --------------------------------------------------------------------------------------------
# Small-cell protection
# --------------------------------------------------------------------------------------------
@dataclass
class Cell:
    """One group of a breakdown. ``state`` says what a page prints (``shown``, in the reader's
    language); the exact count is kept in ``_count``, which templates cannot read."""

    label: str
    _count: int
    url: str = ""
    state: str = State.SHOWN

    @property
    def suppressed(self) -> bool:
        return self.state != State.SHOWN

    @property
    def value(self) -> int | None:
        """The number a chart may draw: None for a protected group."""
        return None if self.suppressed else self._count

    @property
    def figure(self) -> Figure:
        return Figure(self.state, self.value)

    @property
    def shown(self) -> str:
        """What a page prints, in the active language: the count, "fewer than 3" or "not
        shown"."""
        return str(self.figure)


@dataclass
class Breakdown:
    """A population split into groups, protected by ``protect()``."""

    title: str
    total: Figure
    cells: list[Cell] = field(default_factory=list)
    # True when some group is not shown only so that a small group cannot be worked out.
    has_complementary: bool = False
    # True when no breakdown can be shown without revealing a small group.
    withheld: bool = False
    # What the counts count (charts' axis and series).
    unit = _("Participants")

    @property
    def total_shown(self) -> str:
        """The total as a page prints it, in the active language."""
        return str(self.total)

    @property
    def caption(self) -> str:
        return str(self.title)

    @property
    def drawable_as_bars(self) -> bool:
        """Worth a bar chart: at least two groups have a number to draw."""
        return sum(not cell.suppressed for cell in self.cells) >= 2

    @property
    def drawable_as_parts(self) -> bool:
        """Worth a doughnut of parts of the whole: every group is shown, and there are two."""
        return len(self.cells) >= 2 and not any(cell.suppressed for cell in self.cells)

    def _chart(self, kind: str) -> dict:
        """Chart.js data: protected groups are drawn as gaps and labelled as on the page."""
        return {
            "type": kind,
            "labels": [
                str(cell.label) + (f" ({cell.shown})" if cell.suppressed else "")
                for cell in self.cells
            ],
            "datasets": [{
                "label": str(self.unit),
                "data": [cell.value for cell in self.cells],
                "display": [cell.shown for cell in self.cells],
            }],
            "horizontal": kind == "bar",
            "counts": True,  # whole-number ticks (static/js/charts.js)
            "x_title": str(self.unit) if kind == "bar" else "",
        }

    @property
    def chart(self) -> dict:
        return self._chart("bar")

    @property
    def chart_doughnut(self) -> dict:
        return self._chart("doughnut")


def _sums(bounds) -> tuple[int, int]:
    return sum(low for low, _high in bounds.values()), sum(high for _low, high in bounds.values())


def _interval(bounds, hidden_sum, i, all_low, all_high) -> tuple[int, int]:
    """The values group ``i`` can take when the hidden groups add up to ``hidden_sum`` and each
    lies within its bounds (an interval: with one sum over boxes, every integer in between is
    reachable); ``all_low`` and ``all_high`` are the bounds' sums."""
    low_i, high_i = bounds[i]
    others_low, others_high = all_low - low_i, all_high - high_i
    return max(low_i, hidden_sum - others_high), min(high_i, hidden_sum - others_low)


def _holds_its_label(bounds, hidden_sum, primary) -> bool:
    """Does every hidden group still allow every value its label states — 1 and 2 for "fewer
    than 3", at least two values for "not shown" — given all a reader knows?"""
    sums = _sums(bounds)  # once, not once per group: a breakdown may have many small groups
    for i in bounds:
        low, high = _interval(bounds, hidden_sum, i, *sums)
        if i in primary and (low > 1 or high < SMALL_CELL - 1):
            return False
        if i not in primary and high - low < 1:
            return False
    return True


def label_order(group) -> tuple[str, str, str]:
    """Groups' order by label, in the default language whatever the reader's, so that ties
    break the same way on every page (``protect()``): labels translated at display time are
    lazy, and are read here in English."""
    label, _count, url = group
    if isinstance(label, Promise) and translation.get_language() != settings.LANGUAGE_CODE:
        with translation.override(settings.LANGUAGE_CODE):
            label = str(label)
    label = str(label)
    return (label.casefold(), label, url)


def protect(title: str, groups: list[tuple[str, int, str]]) -> Breakdown:
    """Protect a breakdown of people whose total is shown.

    ``groups`` are ``(label, count, url)`` with counts of 1 or more, in any order: the result
    depends on the groups, never on the order they come in. A group smaller than 3 reads
    "fewer than 3". When there is one, exactly one more group is "not shown": the smallest of
    the others (ties broken by label), so that the total cannot be used to subtract back to a
    small group. (When every group is smaller than 3, none is shown.) Where even that leaves a
    hidden group narrower than its label states, no breakdown is shown. A total smaller than 3
    reads "fewer than 3" and has no breakdown.

    The method is public (README, "Privacy"), so every choice it makes depends only on what the
    page shows: a reader who knows it learns nothing beyond the labels. Everything a reader can
    know of a hidden group:

    - "fewer than 3" — 1 or 2;
    - "not shown" — at least 3, and no more than any shown group (no more than a shown group
      whose label sorts before its own, less one: ties go to the label first in order);
    - the hidden groups add up to the total less the shown groups.

    Shown groups come first, largest first (ties by label); hidden groups come after them in
    label order, so that their place says nothing about their size.
    """
    groups = sorted(groups, key=label_order)
    counts = [count for _label, count, _url in groups]
    total = sum(counts)
    if total < SMALL_CELL:
        return Breakdown(title, Figure(State.FEWER_THAN) if total else Figure.of(0),
                         withheld=bool(total))
    primary = {i for i, count in enumerate(counts) if count < SMALL_CELL}
    bounds = dict.fromkeys(primary, (1, SMALL_CELL - 1))
    others = [i for i in range(len(counts)) if i not in primary]
    if primary and others:
        # Groups are in label order, so min() breaks ties between equal counts by label.
        complementary = min(others, key=counts.__getitem__)
        cap = min(
            (counts[j] if j > complementary else counts[j] - 1
             for j in others if j != complementary),
            default=total,
        )
        bounds[complementary] = (SMALL_CELL, cap)
    if bounds and not _holds_its_label(bounds, sum(counts[i] for i in bounds), primary):
        return Breakdown(title, Figure.of(total), withheld=True)
    cells = [
        Cell(label, count, url,
             State.FEWER_THAN if i in primary else State.NOT_SHOWN if i in bounds
             else State.SHOWN)
        for i, (label, count, url) in enumerate(groups)
    ]
    # Shown groups by size (ties by label: sorted() keeps the label order); hidden ones after.
    cells.sort(key=lambda cell: (cell.suppressed, 0 if cell.suppressed else -cell._count))
    return Breakdown(
        title, Figure.of(total), cells,
        has_complementary=any(c.state == State.NOT_SHOWN for c in cells),
    )


# --------------------------------------------------------------------------------------------
