"""The header fits every role's links at every width: from 1200 px the sections, the search box
and the account's links are all on screen (before, an admin's header ran 260 px past the right
edge of a 1366 px screen, and "Workspace", "Admin" and the account menu could not be reached);
below 1200 px the menu folds behind its button."""

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from tests.engine import sqlite_only

pytestmark = sqlite_only("the browser draws the HTML and CSS the pages send, the same whatever "
                         "engine holds the rows")

ROLES = {
    "visitor": {},
    "officer": {"groups": ["Programme officers"]},
    "admin": {"is_staff": True, "is_superuser": True},
}

_LAYOUT = """() => {
  const links = [...document.querySelectorAll('#main-nav .nav-link, #main-nav form.site-search')];
  return {
    page: document.documentElement.scrollWidth,
    right: Math.max(...links.map((e) => e.getBoundingClientRect().right)),
    hidden: links.filter((e) => e.getBoundingClientRect().width === 0).length,
  };
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_link_of_the_header_is_on_screen_from_1200_px(page, role, roles):
    if ROLES[role]:
        user = factories.UserFactory(username="a-rather-long-user-name", **{
            key: value for key, value in ROLES[role].items() if key != "groups"})
        for name in ROLES[role].get("groups", []):
            user.groups.add(roles[name])
        sign_in(page, user.username)
    for width in (1200, 1366, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/events/")
        layout = page.evaluate(_LAYOUT)
        assert layout["page"] <= width, (role, width, layout)
        assert layout["right"] <= width, (role, width, layout)
        assert layout["hidden"] == 0
    page.set_viewport_size({"width": 1199, "height": 800})
    page.goto("/events/")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1199
