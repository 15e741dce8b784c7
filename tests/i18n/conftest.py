"""Fixtures of the language tests: the pseudo-locale (tests/i18n/pseudo.py)."""

import pytest

from tests.i18n import pseudo


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory):
    """The pseudo-locale ``eo`` is a language of the portal for the module's tests: its
    catalogues made from the Russian ones in a temporary ``LOCALE_PATHS`` directory. Yields the
    number of messages per domain."""
    directory = tmp_path_factory.mktemp("pseudo-locale")
    counts = pseudo.build(directory)
    with pseudo.activated(directory):
        yield counts
