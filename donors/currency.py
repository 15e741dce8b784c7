"""US-dollar equivalents of contributions, stored with each contribution and summed in the
database.

A contribution keeps its own currency. Its US-dollar equivalent uses the UN operational rate
(``ExchangeRate``) of the contribution's month: the month of its date, or July of its year when
only the year is known (``Contribution.fill_derived_fields``, the one home of that rule). A
missing rate is never counted as zero: it is reported, naming the currency and the month ("no
rate for EUR, July 2011"), and the amount it would have converted is left out of the equivalent.

The equivalent is stored (``usd_month``, ``usd_rate``, ``usd_amount`` = amount times rate, exact),
so that totals are plain sums over the rows, with no rate looked up per row:

- ``Contribution.save()`` converts the contribution it saves;
- a rate saved or deleted (admin, fixtures, restore) converts its currency's contributions
  again (``reconvert``, connected in ``donors.apps``);
- bulk writes go through ``converting()``, which converts what they wrote once they are done; a
  bulk ``update()`` of an amount, currency or date, or a ``bulk_create()``, outside it raises;
- ``manage.py rebuild_summaries`` converts everything again and reports what had drifted.

``UsdEquivalent`` folds grouped rows (one per currency) into what a page says.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import dateformat
from django.utils.translation import get_language, gettext

from donors.models import CONVERTING, YEAR_ONLY_MONTH, Contribution, ExchangeRate

__all__ = ["YEAR_ONLY_MONTH"]

USD = "USD"
MONEY = DecimalField(max_digits=34, decimal_places=10)
RATE = DecimalField(max_digits=18, decimal_places=8)
CENTS = Decimal("0.01")


def _rate_expression():
    rate = ExchangeRate.objects.filter(currency=OuterRef("currency"), month=OuterRef("usd_month"))
    return Case(
        When(currency=USD, then=Value(Decimal(1), output_field=RATE)),
        When(currency="", then=Value(None, output_field=RATE)),
        default=Subquery(rate.values("usd_per_unit")[:1], output_field=RATE),
        output_field=RATE,
    )


def reconvert(contributions=None) -> int:
    """Convert ``contributions`` (all by default) again from the rates in the database: two
    UPDATE statements. Returns how many rows were converted."""
    contributions = Contribution.objects.all() if contributions is None else contributions
    with converting(convert_after=False):
        count = contributions.update(usd_rate=_rate_expression())
        contributions.update(usd_amount=F("amount") * F("usd_rate"))
    return count


def reconvert_all() -> int:
    """Every contribution's rate month, rate and equivalent, again from its fields and the
    rates (after bulk writes; ``rebuild_summaries``). Three UPDATE statements."""
    with converting(convert_after=False):
        Contribution.objects.update(usd_month=_month_expression())
    return reconvert()


def drifted() -> int:
    """How many contributions' stored month, rate or equivalent differ from a conversion now
    (0 when in step): compared in the database, one query."""
    month = _month_expression()
    rate = _rate_expression()
    stale = Contribution.objects.annotate(
        fresh_month=month
    ).annotate(fresh_rate=rate).annotate(
        # Rounded to the stored places: SQLite multiplies decimals as floating-point numbers.
        # Both sides rounded to the stored places: SQLite multiplies and stores decimals as
        # floating-point numbers (PostgreSQL's are exact either way).
        fresh_amount=Round(ExpressionWrapper(F("amount") * F("fresh_rate"), output_field=MONEY),
                           10, output_field=MONEY),
        stored_amount=Round("usd_amount", 10, output_field=MONEY),
    ).exclude(
        _same("usd_month", "fresh_month") & _same("usd_rate", "fresh_rate")
        & _same("stored_amount", "fresh_amount")
    )
    return stale.count()


def _same(stored: str, fresh: str) -> Q:
    return Q(**{f"{stored}__isnull": True, f"{fresh}__isnull": True}) | Q(**{stored: F(fresh)})


@contextlib.contextmanager
def converting(convert_after: bool = True):
    """The one way to write contributions in bulk (``update()`` of amounts, currencies or dates,
    ``bulk_create()``): what was written is converted again when the block ends."""
    token = CONVERTING.set(True)
    try:
        with transaction.atomic():
            yield
            if convert_after:
                reconvert_all()
    finally:
        CONVERTING.reset(token)




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


def _month_expression():
    """``Contribution.fill_derived_fields``'s month, as a database expression."""
    return Coalesce(MonthOfDate("date"), MonthOfYear("year", YEAR_ONLY_MONTH),
                    output_field=DateField())


def rate_changed(sender, instance, **kwargs):
    """A rate saved or deleted: its currency's contributions are converted again (signal
    receiver, ``donors.apps``)."""
    if kwargs.get("raw"):
        # loaddata: the contributions may not be loaded yet; the loader converts at its end.
        return
    reconvert(Contribution.objects.filter(currency=instance.currency))


def cents(amount: Decimal | None) -> Decimal | None:
    """A US-dollar amount rounded to cents, for display and data (None stays None)."""
    return None if amount is None else amount.quantize(CENTS)


def month_label(month: datetime.date | None) -> str:
    """"April 2011" in the reader's language (Russian: "апрель 2011", the nominative month in
    lower case, as it reads inside a sentence)."""
    if not month:
        return gettext("no date")
    label = dateformat.format(month, "F Y")
    if (get_language() or "").startswith("ru"):
        label = label[:1].lower() + label[1:]
    return label


@dataclass(frozen=True)
class MissingRate:
    currency: str
    month: datetime.date | None

    def __str__(self):
        if self.month is None:
            return gettext("no date for the %(currency)s amount, so no rate") % {
                "currency": self.currency}
        return gettext("no rate for %(currency)s, %(month)s") % {
            "currency": self.currency, "month": month_label(self.month)}


@dataclass
class UsdEquivalent:
    """The US-dollar equivalent of a total in one currency. ``usd`` adds only the amounts that
    have a rate; ``missing`` names the months that have none, and ``unconverted`` is the part of
    the total they hold; ``first_month`` and ``last_month`` bound the months whose rates were
    used."""

    currency: str
    total: Decimal = Decimal(0)
    usd: Decimal | None = None
    unconverted: Decimal = Decimal(0)
    first_month: datetime.date | None = None
    last_month: datetime.date | None = None
    missing: list[MissingRate] = field(default_factory=list)

    def add(self, month: datetime.date | None, total: Decimal | None, usd: Decimal | None):
        """One contribution (or the amounts of one month): ``usd`` None means no rate."""
        if total is None:
            return
        if usd is None:
            self.add_group(total, None, total)
            self.add_missing(month)
        else:
            self.add_group(total, usd, Decimal(0), month, month)

    def add_group(self, total, usd, unconverted, first=None, last=None):
        """A grouped row of this currency: its total, the sum of its equivalents (None where no
        amount had a rate), the part without a rate, and the months of the rates used."""
        if total is None:
            return
        self.total += total
        self.unconverted += unconverted or Decimal(0)
        if usd is not None:
            self.usd = (self.usd or Decimal(0)) + usd
        if first is not None:
            self.first_month = first if self.first_month is None else min(self.first_month, first)
        if last is not None:
            self.last_month = last if self.last_month is None else max(self.last_month, last)

    def add_missing(self, month: datetime.date | None):
        missing = MissingRate(self.currency, month)
        if missing not in self.missing:
            self.missing.append(missing)

    def merge(self, other: UsdEquivalent):
        self.add_group(other.total, other.usd, other.unconverted, other.first_month,
                       other.last_month)
        for missing in other.missing:
            self.add_missing(missing.month)

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
        if self.first_month is None:
            return ""
        if self.first_month == self.last_month:
            return month_label(self.first_month)
        return gettext("%(first)s to %(last)s") % {
            "first": month_label(self.first_month), "last": month_label(self.last_month)}

    @property
    def rate_note(self) -> str:
        """What a page prints beside the equivalent: the months used, and what is missing."""
        parts = []
        if self.first_month is not None and not self.is_usd:
            if self.first_month == self.last_month:
                parts.append(gettext("at the rate of %(months)s") % {"months": self.months_label})
            else:
                parts.append(gettext("at the monthly rates of %(months)s")
                             % {"months": self.months_label})
        parts += [str(missing) for missing in sorted(
            self.missing, key=lambda m: (m.month is None, m.month or datetime.date.min))]
        return "; ".join(parts)
