"""The check that the whole suite runs under (tests/conftest.py, tests/template_vars.py): a
missing variable in one of the project's templates fails the test; elsewhere Django's usual
rendering is untouched."""

import pytest
from django.template import engines
from django.template.loader import render_to_string

from tests.template_vars import FailInProjectTemplates, is_project_template, reported_failures


def test_the_suite_runs_with_the_check():
    assert isinstance(engines["django"].engine.string_if_invalid, FailInProjectTemplates)


def test_a_missing_variable_in_a_project_template_fails():
    capped = {"more": True, "url": "/events/", "rows": [1, 2]}
    assert "See all events" in render_to_string(
        "includes/more_link.html", {"capped": capped, "noun": "events"}
    )
    with pytest.raises(pytest.fail.Exception, match=r"'noun' in 'includes/more_link\.html'"):
        render_to_string("includes/more_link.html", {"capped": capped})
    # Recorded too (for a live server's thread), and taken here so that this test passes.
    assert reported_failures() == ["Undefined template variable 'noun' in "
                                   "'includes/more_link.html'"]


def test_a_missing_attribute_of_an_empty_relation_fails():
    """The pattern the minimal records found: ``{{ x.country.name }}`` where x has no country."""
    with pytest.raises(pytest.fail.Exception, match=r"'capped\.url' in 'includes/more_link\.html'"):
        render_to_string("includes/more_link.html", {"capped": {"more": True}, "noun": "x"})
    reported_failures()


def test_other_templates_render_as_django_renders_them():
    """A template that is not ours (here one from a string; Django's admin and the libraries'
    likewise): a missing variable is "" and its filters apply."""
    template = engines["django"].from_string('[{{ missing }}|{{ missing|default:"x" }}]')
    assert template.render({}) == "[|x]"


def test_project_templates_are_recognised_by_their_origin():
    ours = engines["django"].engine.get_template("base.html").origin
    theirs = engines["django"].engine.get_template("admin/base.html").origin
    assert is_project_template(ours)
    assert not is_project_template(theirs)


def test_a_missing_variable_met_in_another_thread_is_recorded_for_the_test():
    """A live server renders in its own thread, where the failure would be lost."""
    import contextlib
    import threading

    def serve():
        with contextlib.suppress(BaseException):  # the server thread answers its error page
            render_to_string("includes/more_link.html", {"capped": {"more": True}})

    server = threading.Thread(target=serve)
    server.start()
    server.join()
    assert reported_failures() == ["Undefined template variable 'capped.url' in "
                                   "'includes/more_link.html'"]
