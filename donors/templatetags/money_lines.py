"""Money as the pages show it: every amount, with its US-dollar equivalent, is printed by
``money_line``, the one way the portal prints a ``donors.currency.UsdEquivalent``.

Totals are already such lines; ``contribution_line`` makes one of a single contribution, so that a
row says its equivalent and a missing rate in the words of the totals. ``money_line`` is Python,
not an included template: a contributions page prints hundreds of lines, and an include costs a
template render each."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from donors.currency import UsdEquivalent
from unodc_portal.core.templatetags.portal import money

register = template.Library()


@register.simple_tag
def money_line(line: UsdEquivalent, figure: bool = False, amount_only: bool = False) -> str:
    """An amount in its currency (a total, or one contribution through ``contribution_line``)
    with its US-dollar equivalent, the months whose rates were used and any missing rate named.
    ``figure`` prints the amount as a headline figure; ``amount_only`` leaves the equivalent
    out."""
    html = format_html('<span class="d-block money{}">{}</span>',
                       " figure-value" if figure else "", money(line.total, line.currency))
    if line.is_usd or amount_only:
        return html
    note = line.rate_note
    if line.usd is not None:
        equivalent = format_html("≈ {}", money(line.usd, "USD"))
        if line.unconverted:
            equivalent += format_html(" for {} of it", money(line.converted, line.currency))
        if note:
            equivalent += mark_safe(", ")
    else:
        equivalent = mark_safe("no US-dollar equivalent: ")
    return html + format_html(
        '\n<span class="d-block small text-body-secondary usd-equivalent">{}{}</span>',
        equivalent, note)


@register.simple_tag
def contribution_line(contribution) -> UsdEquivalent:
    """The contribution's amount as a one-month line: its equivalent from the ``usd_month`` and
    ``usd_amount`` stored with it (``donors.currency``)."""
    line = UsdEquivalent(contribution.currency)
    line.add(contribution.usd_month, contribution.amount, contribution.usd_amount)
    return line
