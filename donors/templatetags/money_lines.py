"""Money as the pages show it: every amount, with its US-dollar equivalent, is printed by
``money_line``, the one way the portal prints a ``donors.currency.UsdEquivalent``.

Totals are already such lines; ``contribution_line`` makes one of a single contribution, so that a
row says its equivalent and a missing rate in the words of the totals. ``money_line`` is Python,
not an included template: a contributions page prints hundreds of lines, and an include costs a
template render each."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donors import totals
from donors.currency import USD, UsdEquivalent, cents

# One money format for the whole portal: core's ("EUR 3,000,000", «3 000 000 EUR»).
from unodc_portal.core.templatetags.portal import _grouped, money

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
            equivalent += format_html(" {}", _("for %(amount)s of it") % {
                "amount": money(line.converted, line.currency)})
        if note:
            equivalent += mark_safe(", ")
    else:
        equivalent = format_html("{} ", _("no US-dollar equivalent:"))
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


def _short_units():
    """(unit, the smallest rounded number of units worth the word, words), largest first."""
    return ((Decimal(10) ** 9, 1, _("%(currency)s %(number)s billion")),
            (Decimal(10) ** 6, 1, _("%(currency)s %(number)s million")),
            (Decimal(10) ** 3, 10, _("%(currency)s %(number)s thousand")))


@register.filter
def money_short(amount, currency: str = USD) -> str:
    """An amount as a headline reads it: "USD 4.3 million", "USD 812 thousand" (one decimal
    below a hundred units, none above; 999,999 reads "1 million", not "1,000 thousand"); under
    ten thousand, exact. The exact figure goes beside it (``usd_total``)."""
    if amount is None:
        return money(amount, currency)
    amount = Decimal(amount)
    for size, smallest, words in _short_units():
        value = amount / size
        places = Decimal(1) if abs(value) >= 100 else Decimal("0.1")
        value = value.quantize(places, rounding=ROUND_HALF_UP)
        if abs(value) >= smallest:
            text = _grouped(value, 0 if value == value.to_integral_value() else 1)
            return words % {"currency": currency, "number": text}
    return money(amount, currency)


@register.simple_tag
def usd_total(rows) -> str:
    """Every currency's US-dollar equivalents added up (``donors.totals.UsdTotal``, from the
    per-currency rows of a totals query): "USD 4.3 million for all 8 contributions", or, where
    some amounts have no rate, a partial figure that says so and names the missing rates ("USD
    4.3 million for 7 of 8 contributions; no rate for GBP, July 2011"), never as the total.
    Nothing when the amounts are in one currency."""
    total = totals.UsdTotal.of(rows)
    if total is None:
        return ""
    exact = money(cents(total.usd), USD)
    missing = [str(missing) for missing in total.missing_named]
    if total.missing_more:
        missing.append(ngettext("%(count)s more month without a rate",
                                "%(count)s more months without a rate",
                                total.missing_more) % {"count": total.missing_more})
    if total.complete:
        heading = _("Total in US dollars")
        scope = ngettext("for the %(count)s contribution with a stated amount",
                         "for all %(count)s contributions with a stated amount",
                         total.with_amount) % {"count": total.with_amount}
        note = _("%(exact)s: the US-dollar equivalents at the UN operational rate of each "
                 "contribution's month.") % {"exact": exact}
    elif total.with_rate:
        heading = _("Partial total in US dollars")
        scope = ngettext("for %(converted)s of %(count)s contribution",
                         "for %(converted)s of %(count)s contributions",
                         total.with_amount) % {"converted": total.with_rate,
                                               "count": total.with_amount}
        note = _("%(exact)s: the amounts without a rate are left out, not counted as "
                 "zero.") % {"exact": exact}
    else:
        return format_html(
            '<div class="card usd-total mb-3"><div class="card-body">\n'
            '<p class="fw-semibold mb-1">{}</p>\n<p class="mb-0">{}</p>\n</div></div>',
            _("No total in US dollars"), _sentence("; ".join(missing)))
    return format_html(
        '<div class="card usd-total mb-3"><div class="card-body">\n'
        '<p class="fw-semibold mb-1 usd-total-heading">{}</p>\n'
        '<p class="mb-1 usd-total-figure"><data class="money figure-value" value="{}" title="{}">'
        '{}</data> <span class="money-note">{}</span></p>\n'
        '<p class="small text-body-secondary mb-0">{}</p>\n</div></div>',
        heading, cents(total.usd), exact, money_short(total.usd, USD),
        "; ".join([scope, *missing]), note)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@register.simple_tag
def without_amount(rows, by=None):
    """The contributions without a stated amount, said once (``donors.totals.without_amount``):
    ``rows`` per currency, ``by`` the groups (donors or years) to name."""
    return totals.without_amount(rows, by)


@register.simple_tag
def named_rows(rows) -> str:
    """"Canada (2), Japan (1)": each row's label (a link where it has an address) and how many
    of its contributions state no amount."""
    return format_html_join(
        ", ", "{} ({})",
        ((format_html('<a href="{}">{}</a>', row.url, row.label) if row.url else row.label,
          row.without_amount) for row in rows),
    )
