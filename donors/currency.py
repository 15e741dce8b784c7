"""US-dollar equivalents of contributions, computed in the database.

A contribution keeps its own currency. Its US-dollar equivalent uses the UN operational rate
(``ExchangeRate``) of the contribution's month: the month of its date, or July of its year when
only the year is known (``usd_month()``, the one home of that rule). A
missing rate is never counted as zero: it is reported, naming the currency and the month ("no
rate for EUR, July 2011"), and the amount it would have converted is left out of the equivalent.

Everything that shows a US-dollar equivalent goes through this module:

- ``with_usd(contributions)`` annotates each row with ``usd_month`` (the month used),
  ``usd_rate`` (US dollars per unit, or None) and ``usd_amount`` — lists, exports and the API;
- ``usd_month()`` and ``usd_sum()`` are the expressions that grouped totals use
  (``donors.totals.ContributionTotals``), so that a total and its equivalent come from one
  grouped query;
- ``UsdEquivalent`` folds grouped rows (one per currency and month) into what a page says.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from donors.models import ExchangeRate

USD = "USD"
# A year-only contribution is converted at the rate of the middle of its year.
YEAR_ONLY_MONTH = 7
MONEY = DecimalField(max_digits=24, decimal_places=2)
RATE = DecimalField(max_digits=18, decimal_places=8)
CENTS = Decimal("0.01")


class MonthOfYear(Func):
    """The first day of month ``month`` of the year held in an integer column, as a date."""

    output_field = DateField()
    arity = 1

    def __init__(self, year, month: int, **extra):
        self.month = int(month)
        super().__init__(year, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # Portable fallback (and SQLite): 'YYYY-MM-01' as text, which is how SQLite keeps dates.
        template = f"DATE(%(expressions)s || '-{self.month:02d}-01')"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = f"MAKE_DATE(%(expressions)s, {self.month}, 1)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


class MonthOfDate(Func):
    """The first day of the month of a date column, as a date."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        # SQLite (and the fallback): dates are 'YYYY-MM-DD' text.
        template = "DATE(%(expressions)s, 'start of month')"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "CAST(DATE_TRUNC('month', %(expressions)s) AS DATE)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def usd_month():
    """The month whose rate converts a contribution: the month of its date, else July of its
    year, else NULL (no date, so no rate)."""
    return Coalesce(
        MonthOfDate("date"),
        MonthOfYear("year", YEAR_ONLY_MONTH),
        output_field=DateField(),
    )


def usd_rate():
    """US dollars per unit of the row's currency in its ``usd_month`` (which the queryset must
    annotate): 1 for US dollars, the ``ExchangeRate`` of that currency and month otherwise,
    NULL where there is none."""
    rate = ExchangeRate.objects.filter(currency=OuterRef("currency"), month=OuterRef("usd_month"))
    return Case(
        When(currency=USD, then=Value(Decimal(1), output_field=RATE)),
        default=Subquery(rate.values("usd_per_unit")[:1], output_field=RATE),
        output_field=RATE,
    )


def with_month(contributions):
    """Contributions annotated with ``usd_month``, for grouping by it and for ``usd_sum()``."""
    return contributions.annotate(usd_month=usd_month())


def usd_sum():
    """The sum of the amounts that have a rate, in US dollars (NULL where none has); for a
    queryset annotated by ``with_month``."""
    return Sum(ExpressionWrapper(F("amount") * usd_rate(), output_field=MONEY))


def with_usd(contributions):
    """Contributions annotated with ``usd_month``, ``usd_rate`` and ``usd_amount`` (amount in US
    dollars, NULL where the amount or the rate is missing)."""
    return with_month(contributions).annotate(usd_rate=usd_rate()).annotate(
        usd_amount=ExpressionWrapper(F("amount") * F("usd_rate"), output_field=MONEY),
    )


def cents(amount: Decimal | None) -> Decimal | None:
    """A US-dollar amount rounded to cents, for display and data (None stays None)."""
    return None if amount is None else amount.quantize(CENTS)


def month_label(month: datetime.date | None) -> str:
    return month.strftime("%B %Y") if month else "no date"


@dataclass(frozen=True)
class MissingRate:
    currency: str
    month: datetime.date | None

    def __str__(self):
        if self.month is None:
            return f"no date for the {self.currency} amount, so no rate"
        return f"no rate for {self.currency}, {month_label(self.month)}"


@dataclass
class UsdEquivalent:
    """The US-dollar equivalent of a total in one currency, built from grouped rows (one per
    month). ``usd`` adds only the amounts that have a rate; ``missing`` names the months that
    have none, and ``unconverted`` is the part of the total they hold."""

    currency: str
    total: Decimal = Decimal(0)
    usd: Decimal | None = None
    unconverted: Decimal = Decimal(0)
    months: list[datetime.date] = field(default_factory=list)
    missing: list[MissingRate] = field(default_factory=list)

    def add(self, month: datetime.date | None, total: Decimal | None, usd: Decimal | None):
        """One grouped row: the amounts of this currency dated in ``month``."""
        if total is None:
            return
        self.total += total
        if usd is None:
            self.unconverted += total
            missing = MissingRate(self.currency, month)
            if missing not in self.missing:
                self.missing.append(missing)
            return
        self.usd = (self.usd or Decimal(0)) + usd
        if month is not None and month not in self.months:
            self.months.append(month)

    @property
    def converted(self) -> Decimal:
        """The part of the total that has a rate."""
        return self.total - self.unconverted

    @property
    def is_usd(self) -> bool:
        return self.currency == USD

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def months_label(self) -> str:
        """The months whose rates were used: "April 2011" or "April 2011 to July 2012"."""
        months = sorted(self.months)
        if not months:
            return ""
        if len(months) == 1:
            return month_label(months[0])
        return f"{month_label(months[0])} to {month_label(months[-1])}"

    @property
    def rate_note(self) -> str:
        """What a page prints beside the equivalent: the months used, and what is missing."""
        parts = []
        if self.months and not self.is_usd:
            rates = "rate" if len(self.months) == 1 else f"{len(self.months)} monthly rates"
            parts.append(f"at the {rates} of {self.months_label}")
        parts += [str(missing) for missing in self.missing]
        return "; ".join(parts)
