"""Money as the pages show it: every amount, with its US-dollar equivalent, goes through
templates/includes/money_line.html, which prints a ``donors.currency.UsdEquivalent``.

Totals are already such lines; ``contribution_line`` makes one of a single contribution, so that a
row says its equivalent and a missing rate in the words of the totals."""

from django import template

from donors.currency import UsdEquivalent

register = template.Library()


@register.simple_tag
def contribution_line(contribution) -> UsdEquivalent:
    """The contribution's amount as a one-month line: its equivalent from the ``usd_month`` and
    ``usd_amount`` that ``donors.currency.with_usd`` annotates (none where not annotated)."""
    line = UsdEquivalent(contribution.currency)
    line.add(
        getattr(contribution, "usd_month", None),
        contribution.amount,
        getattr(contribution, "usd_amount", None),
    )
    return line
