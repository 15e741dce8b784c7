"""The small-cell rule for participant figures (README, "Privacy").

A group smaller than 3 reads "fewer than 3", and with it the smallest other group is "not
shown", so that the total (which is shown) cannot be used to subtract back to it; hidden groups
are listed after the shown ones, in label order. A population smaller than 3 gets no breakdown
at all. What ``protect()`` shows narrows no hidden group beyond its label, for a reader who
knows the method (tests/privacy_auditor.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SMALL_CELL = 3
FEWER_THAN = "fewer than 3"
NOT_SHOWN = "not shown"

# --------------------------------------------------------------------------------------------
# Small-cell protection
# --------------------------------------------------------------------------------------------
@dataclass
class Cell:
    """One group of a breakdown. ``shown`` is what a page prints; the exact count is kept in
    ``_count``, which templates cannot read."""

    label: str
    _count: int
    url: str = ""
    shown: str = ""
    suppressed: bool = False

    @property
    def value(self) -> int | None:
        """The number a chart may draw: None for a protected group."""
        return None if self.suppressed else self._count


@dataclass
class Breakdown:
    """A population split into groups, protected by ``protect()``."""

    title: str
    total_shown: str
    cells: list[Cell] = field(default_factory=list)
    # True when some group is not shown only so that a small group cannot be worked out.
    has_complementary: bool = False
    # True when no breakdown can be shown without revealing a small group.
    withheld: bool = False
    # What the counts count (charts' axis and series).
    unit = "Participants"

    @property
    def caption(self) -> str:
        return self.title

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
                cell.label + (f" ({cell.shown})" if cell.suppressed else "") for cell in self.cells
            ],
            "datasets": [{
                "label": self.unit,
                "data": [cell.value for cell in self.cells],
                "display": [cell.shown for cell in self.cells],
            }],
            "horizontal": kind == "bar",
            "counts": True,  # whole-number ticks (static/js/charts.js)
            "x_title": self.unit if kind == "bar" else "",
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


def label_order(group) -> tuple[str, str]:
    label, _count, url = group
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
        return Breakdown(title, FEWER_THAN if total else "0", withheld=bool(total))
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
        return Breakdown(title, f"{total:,}", withheld=True)
    cells = [
        Cell(label, count, url,
             FEWER_THAN if i in primary else NOT_SHOWN if i in bounds else f"{count:,}",
             suppressed=i in bounds)
        for i, (label, count, url) in enumerate(groups)
    ]
    # Shown groups by size (ties by label: sorted() keeps the label order); hidden ones after.
    cells.sort(key=lambda cell: (cell.suppressed, 0 if cell.suppressed else -cell._count))
    return Breakdown(
        title, f"{total:,}", cells, has_complementary=any(c.shown == NOT_SHOWN for c in cells)
    )


# --------------------------------------------------------------------------------------------
