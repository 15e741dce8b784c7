"""The permission matrix's private markers catch a leak in Russian too (issue 15, "Tests"):
an amount written the Russian way — digits grouped by a no-break space (U+00A0) or a narrow one
(U+202F), a decimal comma: "1 234 567,50" — is found by the markers that catch it in English
(tests/access.py, ``marker_text``); and the pages listing contributions, walked in Russian
(/ru/…), show each role the private things the matrix lets it see, and no other."""

from decimal import Decimal

import pytest
from django.utils import formats, translation

from tests import access
from tests.activities.test_access import EXPECTATIONS as ACTIVITIES
from tests.donors.test_access import EXPECTATIONS as DONORS
from tests.portal.test_access import EXPECTATIONS as PORTAL
from tests.privacy_auditor import parse_number

world = access.world_fixture()

EXPECTATIONS = {**ACTIVITIES, **DONORS, **PORTAL}
AMOUNTS = ("donor_unpublished", "other_unpublished")


def leaks(text: str, marker: str) -> list[str]:
    """The texts of ``marker`` the answer ``text`` shows, as the matrix looks for them."""
    text = access.marker_text(text)
    return [found for found in access.MARKERS[marker] if found in text]


def russian(amount: Decimal) -> str:
    with translation.override("ru"):
        return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def test_russian_numbers_are_grouped_by_a_no_break_space_with_a_decimal_comma():
    assert russian(Decimal("1234567.50")) == "1\u00a0234\u00a0567,50"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", " "])
def test_a_leaked_amount_written_the_russian_way_is_caught(space):
    leaked = f"<td>1{space}234{space}567,50 EUR</td>"
    assert "1 234 567" in access.marker_text(leaked)
    # The world's unpublished amounts, as a Russian page writes them.
    for marker, amount in (("donor_unpublished", "777777.77"),
                           ("other_unpublished", "555555.55")):
        written = russian(Decimal(amount)).replace("\u00a0", space)
        assert leaks(f"<td>{written}</td>", marker), (marker, written)
        assert not leaks(f"<td>{written}</td>", "published")


def test_without_reading_the_spaces_the_russian_amount_would_pass():
    """What the markers alone would have missed: the reason for ``marker_text``."""
    written = russian(Decimal("777777.77"))
    assert not [found for found in access.MARKERS["donor_unpublished"] if found in written]
    assert leaks(written, "donor_unpublished")


def test_the_auditor_reads_counts_written_the_russian_way():
    assert parse_number("1\u00a0234") == parse_number("1\u202f234") == parse_number("1,234")
    assert parse_number("1\u00a0234") == 1234
    assert parse_number("fewer than 3") is None


def lists_contributions(name: str, role: str) -> bool:
    """A cell of the matrix whose page may list the private amounts, answered (not sent
    elsewhere): the portal's pages, exports and API, and the admin's pages of contributions.
    Left out: a page repeating a value of its query (its ``echo``, a form's error, worded in
    the page's language)."""
    expect = EXPECTATIONS[name]
    if expect.echo or isinstance(expect.status[role], access.Redirect):
        return False
    if name.startswith("admin:") and not name.startswith("admin:donors_contribution"):
        return False
    return any(marker in expect.shows or marker in expect.may_show for marker in AMOUNTS)


CELLS = [cell for cell in access.cells(EXPECTATIONS) if lists_contributions(*cell.values)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CELLS)
def test_pages_listing_contributions_in_russian_show_only_what_the_role_may_see(
        name, role, world, client):
    client.cookies["portal_language"] = "ru"
    with translation.override("ru"):
        access.check_cell(EXPECTATIONS, name, role, world, client)
