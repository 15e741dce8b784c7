"""Users who may see personal data (officers, admins): their session cookie lasts for the
browser session, and the server ends a session idle for more than 8 hours. Other users keep
Django's default (a cookie for SESSION_COOKIE_AGE)."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from unodc_portal.core.sessions import LAST_ACTIVITY_KEY

PASSWORD = "correct-horse-battery-staple"  # tests/factories.py UserFactory


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response.cookies[settings.SESSION_COOKIE_NAME]


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_a_personal_data_session_cookie_ends_with_the_browser(role, client, request):
    cookie = sign_in(client, request.getfixturevalue(f"{role}_user"))
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    # And stays so on later requests that write the session.
    response = client.get(reverse("activities:workspace"))
    assert response.status_code == 200
    assert client.session.get_expire_at_browser_close()


def test_a_donor_session_cookie_keeps_the_default_age(client, donor_user):
    cookie = sign_in(client, donor_user)
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_server_ends_a_personal_data_session_idle_for_more_than_8_hours(
    role, client, request
):
    sign_in(client, request.getfixturevalue(f"{role}_user"))
    workspace = reverse("activities:workspace")

    idle_for(client, 8 * 3600 - 120)  # under eight hours: still signed in
    assert client.get(workspace).status_code == 200

    idle_for(client, 8 * 3600 + 1)
    response = client.get(workspace)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 8 hours without activity" in page
    # The session is over, not only this request: the next one is anonymous too.
    assert "_auth_user_id" not in client.session
    assert client.get(workspace).status_code == 302


def test_activity_keeps_the_session_alive(client, officer_user):
    sign_in(client, officer_user)
    idle_for(client, 7 * 3600)
    assert client.get(reverse("activities:workspace")).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 60  # the request counted


def test_a_donor_session_is_not_ended_by_the_personal_data_rule(client, donor_user):
    sign_in(client, donor_user)
    idle_for(client, 9 * 3600)
    assert client.get(reverse("donors:my_contributions")).status_code == 200
