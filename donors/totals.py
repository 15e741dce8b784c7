"""Money totals: contributions per currency, never added across currencies.

Each total carries its US-dollar equivalent at the rate of the contributions' months
(``donors.currency``), with missing rates named, never counted as zero. Callers pass querysets
that start from ``Contribution.objects.visible_to(user)``; no total counts demo records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, Count, F, Max, Min, Q, Sum, When
from django.urls import reverse
from django.utils.translation import gettext

from donors.currency import MissingRate, UsdEquivalent


# Contributions (callers pass Contribution.objects.visible_to(user), filtered)
# --------------------------------------------------------------------------------------------
@dataclass
class MoneyRow:
    """One line of a totals table: a label, its amounts per currency (each with its US-dollar
    equivalent, ``donors.currency.UsdEquivalent``), and how many of its contributions state no
    amount."""

    label: str
    url: str = ""
    lines: list[UsdEquivalent] = field(default_factory=list)
    contributions: int = 0
    without_amount: int = 0
    with_rate: int = 0  # contributions whose amount has a US-dollar equivalent

    @property
    def with_amount(self) -> int:
        return self.contributions - self.without_amount

    @property
    def amounts(self) -> list[tuple[str, Decimal]]:
        """(currency, total) per currency, never added across currencies."""
        return [(line.currency, line.total) for line in self.lines]

    @property
    def usd_total(self) -> Decimal | None:
        """The US-dollar equivalents added up across currencies, or None when a rate is
        missing for any of them (a missing rate is never counted as zero)."""
        if not self.lines or not all(line.complete for line in self.lines):
            return None
        return sum((line.usd or Decimal(0) for line in self.lines), Decimal(0))

    def line(self, currency: str) -> UsdEquivalent:
        if not self.lines or self.lines[-1].currency != currency:
            self.lines.append(UsdEquivalent(currency))
        return self.lines[-1]


def _money_rows(rows, label_of, url_of, key_of) -> list[MoneyRow]:
    """Shape grouped rows (one per key and currency, ordered by key and currency) into one
    MoneyRow per key, in order; ``missing`` rows (key, currency, month without a rate) name the
    missing rates."""
    lines: dict = {}
    for row in rows:
        key = key_of(row)
        line = lines.get(key)
        if line is None:  # label and address once per key, not per currency row
            line = lines[key] = MoneyRow(label_of(row), url_of(row))
        if row["total"] is not None:
            equivalent = line.line(row["currency"])
            equivalent.add_group(row["total"], row["usd"], row["unconverted"],
                                 row["first_month"], row["last_month"])
            for month in row.get("missing", ()):
                equivalent.add_missing(month)
        line.contributions += row["n"]
        line.without_amount += row["n"] - row["with_amount"]
        line.with_rate += row["with_rate"]
    return list(lines.values())


PROJECT = ("project__code", "project__title")
_HAS_RATE = Q(amount__isnull=False, usd_rate__isnull=False)
_NO_RATE = Q(amount__isnull=False, usd_rate__isnull=True)


def _grouped(contributions, *keys) -> list[dict]:
    """One row per combination of ``keys`` and currency, with the amounts' sum, their stored
    US-dollar equivalents' sum (``donors.currency``), the part without a rate, the months of the
    rates used and the months without a rate (``missing``). One query: the rows are grouped by
    the month too where the amount has no rate (``no_rate_month``), then added up here."""
    rows = (
        contributions.annotate(no_rate_month=Case(When(_NO_RATE, then=F("usd_month"))))
        .values(*keys, "currency", "no_rate_month")
        .annotate(
            total=Sum("amount"), n=Count("pk"), with_amount=Count("amount"),
            with_rate=Count("pk", filter=_HAS_RATE), no_rate=Count("pk", filter=_NO_RATE),
            usd=Sum("usd_amount"),
            unconverted=Sum("amount", filter=_NO_RATE),
            first_month=Min("usd_month", filter=_HAS_RATE),
            last_month=Max("usd_month", filter=_HAS_RATE),
        )
        .order_by(F("no_rate_month").asc(nulls_last=True))
    )
    for row in rows:
        month = row.pop("no_rate_month")
        row["missing"] = [month] if row.pop("no_rate") else []
    return _rolled_up(rows, *keys)


def _rolled_up(rows, *keys) -> list[dict]:
    """``rows`` grouped by (some keys, currency) added up to one row per (``keys``, currency),
    in the order of ``keys`` then currency (unknown year last)."""
    merged: dict = {}
    for row in rows:
        key = tuple(row[k] for k in (*keys, "currency"))
        into = merged.get(key)
        if into is None:
            merged[key] = {**row, "missing": list(row.get("missing", ()))}
            continue
        for name in ("n", "with_amount", "with_rate"):
            into[name] += row[name]
        for name in ("total", "usd", "unconverted"):
            if row[name] is not None:
                into[name] = row[name] if into[name] is None else into[name] + row[name]
        for name, pick in (("first_month", min), ("last_month", max)):
            if row[name] is not None:
                into[name] = row[name] if into[name] is None else pick(into[name], row[name])
        for month in row.get("missing", ()):
            if month not in into["missing"]:
                into["missing"].append(month)

    def order(item):
        return tuple(
            (value is None, value or 0) if name in ("year", "is_demo")
            else (value is None, value or "")
            for name, value in zip((*keys, "currency"), item[0], strict=True)
        )

    return [row for _, row in sorted(merged.items(), key=order)]


class ContributionTotals:
    """Totals over ``contributions`` (which must come from ``visible_to(user)``): per currency,
    by donor, by project, by year, and per donor and year. One grouped query per donor and year,
    whose rows the per-currency, per-donor and per-year totals add up, and one per project; with
    ``per_project`` (one donor's contributions, whose groups stay few) the first is per project
    too and the per-project totals add up its rows. Each runs when a page first asks for it."""

    def __init__(self, contributions, *, per_project: bool = False):
        self.contributions = contributions.order_by()
        self.per_project = per_project

    @cached_property
    def grouped(self) -> list[dict]:
        """Every row, demo ones included (counted in ``rows``, in no figure)."""
        keys = ("is_demo", "donor__name", "donor__slug", "year")
        return _grouped(self.contributions, *keys, *(PROJECT if self.per_project else ()))

    @property
    def listed(self) -> int:
        """How many contributions there are, demo ones included (a demo account's list shows
        its demo records): a list's count, read from the totals' query."""
        return sum(row["n"] for row in self.grouped)

    @cached_property
    def real(self) -> list[dict]:
        """The grouped rows of real contributions: no figure counts demo records."""
        return [row for row in self.grouped if not row["is_demo"]]

    @cached_property
    def donor_year(self) -> list[dict]:
        return _rolled_up(self.real, "donor__name", "donor__slug", "year")

    @cached_property
    def per_currency(self) -> list[MoneyRow]:
        """One row per currency, then the contributions that state no amount."""
        rows = _money_rows(
            _rolled_up(self.donor_year), lambda r: r["currency"] or gettext("Amount not stated"),
            lambda r: "", lambda r: r["currency"],
        )
        return sorted(rows, key=lambda row: not row.amounts)

    @cached_property
    def by_donor(self) -> list[MoneyRow]:
        return _money_rows(
            _rolled_up(self.donor_year, "donor__name", "donor__slug"),
            lambda r: r["donor__name"],
            lambda r: reverse("donors:donor_detail", args=[r["donor__slug"]]),
            lambda r: r["donor__slug"],
        )

    @cached_property
    def by_project(self) -> list[MoneyRow]:
        return _money_rows(
            _rolled_up(self.real, *PROJECT) if self.per_project
            else _grouped(self.contributions.filter(is_demo=False), *PROJECT),
            lambda r: f"{r['project__code']} — {r['project__title']}",
            lambda r: reverse("activities:project_detail", args=[r["project__code"]]),
            lambda r: r["project__code"],
        )

    @cached_property
    def by_year(self) -> list[MoneyRow]:
        return _money_rows(
            _rolled_up(self.donor_year, "year"),
            lambda r: str(r["year"]) if r["year"] else gettext("Year not stated"),
            lambda r: "", lambda r: r["year"],
        )

    @property
    def count(self) -> int:
        return sum(row.contributions for row in self.per_currency)

    @property
    def without_amount(self) -> int:
        return sum(row.without_amount for row in self.per_currency)

    @cached_property
    def charts(self) -> list[dict]:
        """Contributions per donor and year: their number (every contribution, with or without
        an amount), then the amounts, one chart per currency. None when no year is known: a
        single bar of "year not stated" says nothing the totals do not."""
        years = sorted({row["year"] for row in self.donor_year}, key=lambda y: (y is None, y))
        if not any(years):
            return []
        labels = [str(year) if year else gettext("Year not stated") for year in years]
        donors = list(dict.fromkeys(row["donor__name"] for row in self.donor_year))

        def series(rows, value):
            data = {donor: [0] * len(years) for donor in donors}
            for row in rows:
                data[row["donor__name"]][years.index(row["year"])] += value(row)
            return [{"label": d, "data": values} for d, values in data.items() if any(values)]

        charts = [{
            "id": "contributions-count-chart",
            "title": gettext("Number of contributions per donor and year"),
            "type": "bar", "stacked": True, "labels": labels,
            "datasets": series(self.donor_year, lambda row: row["n"]),
            "x_title": gettext("Year"), "y_title": gettext("Contributions"),
            "series_title": gettext("Donor"),
            "counts": True,  # whole-number ticks (static/js/charts.js)
        }]
        for currency in sorted({r["currency"] for r in self.donor_year if r["total"] is not None}):
            rows = [r for r in self.donor_year if r["currency"] == currency and r["total"]]
            charts.append({
                "id": f"contributions-{currency.lower()}-chart",
                "title": gettext("Amounts in %(currency)s per donor and year")
                % {"currency": currency},
                "type": "bar", "stacked": True, "labels": labels,
                "datasets": series(rows, lambda row: float(row["total"])),
                "x_title": gettext("Year"), "y_title": currency,
                "series_title": gettext("Donor"),
            })
        return charts


# Across currencies, from the per-currency rows (no query of their own)
# --------------------------------------------------------------------------------------------
MISSING_RATES_NAMED = 3  # a page names the first few missing rates, then says how many more
WITHOUT_AMOUNT_NAMED = 8  # and the first few donors (or years) with contributions without one


@dataclass
class UsdTotal:
    """Every currency's stored US-dollar equivalents added up (``usd`` summed per currency by
    the grouped query: no rate is looked up here). Complete only when every contribution with an
    amount has a rate; otherwise partial, for ``with_rate`` of ``with_amount`` contributions,
    with the missing rates named (a missing rate is never counted as zero).

    Built from rows of ``visible_to(user)`` alone, like every figure beside it, so that two
    totals a reader can compare differ only by contributions that reader may see."""

    usd: Decimal
    with_rate: int
    with_amount: int
    missing: list[MissingRate]

    @classmethod
    def of(cls, rows: list[MoneyRow]) -> UsdTotal | None:
        """None where there is nothing to add up: amounts in one currency or none (that
        currency's figure, with its own equivalent, then says it all)."""
        lines = [line for row in rows for line in row.lines]
        if len({line.currency for line in lines}) < 2:
            return None
        missing = {missing for line in lines for missing in line.missing}
        return cls(
            usd=sum((line.usd for line in lines if line.usd is not None), Decimal(0)),
            with_rate=sum(row.with_rate for row in rows),
            with_amount=sum(row.with_amount for row in rows),
            missing=sorted(missing, key=lambda m: (m.month is None, m.month, m.currency)),
        )

    @property
    def complete(self) -> bool:
        return not self.missing and self.with_rate == self.with_amount

    @property
    def missing_named(self) -> list[MissingRate]:
        return self.missing[:MISSING_RATES_NAMED]

    @property
    def missing_more(self) -> int:
        return max(len(self.missing) - MISSING_RATES_NAMED, 0)


@dataclass
class WithoutAmount:
    """The contributions that state no amount, said once: how many, and the first few groups
    (donors, or years) that have them, each a ``MoneyRow``."""

    count: int
    groups: list[MoneyRow]
    more: int = 0


def without_amount(rows: list[MoneyRow], by: list[MoneyRow] | None = None) -> WithoutAmount | None:
    """The contributions of ``rows`` (per currency) without a stated amount, named by the groups
    of ``by`` (by donor, by year) when they fall in more than one."""
    count = sum(row.without_amount for row in rows)
    if not count:
        return None
    groups = [row for row in by or () if row.without_amount]
    if len(groups) < 2:
        return WithoutAmount(count, [])
    return WithoutAmount(count, groups[:WITHOUT_AMOUNT_NAMED],
                         max(len(groups) - WITHOUT_AMOUNT_NAMED, 0))


def contribution_totals(contributions, *, per_project: bool = False) -> ContributionTotals:
    return ContributionTotals(contributions, per_project=per_project)


def currency_totals(contributions) -> list[MoneyRow]:
    """Totals per currency only (one query), for detail pages."""
    return ContributionTotals(contributions).per_currency
