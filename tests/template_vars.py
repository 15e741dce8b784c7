"""A missing variable in the project's own templates (``templates/``) fails the test, in the
manner of pytest-django's ``--fail-on-template-vars``, but only there: Django's and the other
libraries' templates keep Django's behaviour (a missing variable is "", filters applied).

Django calls the engine's ``string_if_invalid`` for a variable it cannot resolve:
``if string_if_invalid: if "%s" in string_if_invalid: return string_if_invalid % var`` — else it
uses ``string_if_invalid`` itself as the value and applies the filters. The object below is an
empty string whose truth and ``in`` answer True only while a node of one of our templates is
rendering (found on the stack, as pytest-django does), so that ``%`` then fails the test; in any
other template it is an ordinary "" and Django renders as it always does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_TEMPLATES = (Path(settings.BASE_DIR) / "templates").resolve()
# Every failure, whichever thread rendered (a live server's too): conftest fails the test with
# them at its end, where an error in another thread would otherwise be lost.
FAILURES: list[str] = []


def _rendering_origin():
    """The origin of the innermost template node being rendered, or None."""
    frame = sys._getframe(2)
    while frame is not None:
        owner = frame.f_locals.get("self")
        origin = getattr(owner, "origin", None)
        if origin is not None and hasattr(origin, "template_name"):
            return origin
        frame = frame.f_back
    return None


def is_project_template(origin) -> bool:
    name = getattr(origin, "name", None)
    if not name or name.startswith("<"):
        return False
    try:
        return Path(name).resolve().is_relative_to(PROJECT_TEMPLATES)
    except (OSError, ValueError):
        return False


class FailInProjectTemplates(str):
    """``string_if_invalid``: "" for other templates; a test failure in ours."""

    def __new__(cls):
        return super().__new__(cls, "")

    def _ours(self):
        return is_project_template(_rendering_origin())

    def __bool__(self):
        return self._ours()

    def __contains__(self, key):
        return key == "%s" and self._ours()

    def __mod__(self, variable):
        origin = _rendering_origin()
        where = getattr(origin, "template_name", None) or getattr(origin, "name", "?")
        message = f"Undefined template variable '{variable}' in '{where}'"
        FAILURES.append(message)
        # pytest.fail raises an exception outside Exception's tree: no view's handler hides it.
        pytest.fail(message, pytrace=False)

    def __reduce__(self):
        return (FailInProjectTemplates, ())

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self


def install():
    """Put the check in the settings and drop the engines made before it, if any."""
    from django.test.signals import reset_template_engines

    for backend in settings.TEMPLATES:
        if backend["BACKEND"] == "django.template.backends.django.DjangoTemplates":
            backend.setdefault("OPTIONS", {})["string_if_invalid"] = FailInProjectTemplates()
    reset_template_engines(setting="TEMPLATES")


def reported_failures() -> list[str]:
    """The failures recorded since the last call (and forget them)."""
    found = list(dict.fromkeys(FAILURES))
    FAILURES.clear()
    return found
