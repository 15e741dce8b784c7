"""Sign-in, the lockout after five failures, the client address behind proxies, password
change and reset by e-mail, and where each role lands."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests import factories
from unodc_portal.core.after_response import drain
from unodc_portal.core.client_ip import client_ip

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_officer_lands_on_the_workspace_and_a_donor_on_its_contributions(
    client, officer_user, donor_user
):
    response = sign_in(client, "officer", PASSWORD)
    assert response["Location"] == reverse("activities:workspace")
    client.post(reverse("logout"))
    response = sign_in(client, "donor", PASSWORD)
    assert response["Location"] == reverse("donors:my_contributions")
    client.post(reverse("logout"))
    factories.UserFactory(username="member")
    assert sign_in(client, "member", PASSWORD)["Location"] == reverse("home")


def test_sign_in_follows_a_safe_next_only(client, officer_user):
    response = client.post(reverse("login") + "?next=/participants/",
                           {"username": "officer", "password": PASSWORD,
                            "next": "/participants/"})
    assert response["Location"] == "/participants/"
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD,
                                               "next": "https://evil.example/"})
    assert response["Location"] == reverse("activities:workspace")


def test_five_failures_lock_the_user_from_that_address_for_fifteen_minutes(client,
                                                                          officer_user):
    for _ in range(4):
        assert sign_in(client, "officer", "wrong").status_code == 200
    locked = sign_in(client, "officer", "wrong")
    assert locked.status_code == 429
    assert "blocked for fifteen minutes" in locked.content.decode()
    # The right password does not open a locked account from that address …
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    # … but another address, and another user from the same address, are not locked.
    assert sign_in(client, "officer", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    client.post(reverse("logout"))


def test_lockout_ends_after_fifteen_minutes(client, officer_user):
    import datetime

    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "officer", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16))
    assert sign_in(client, "officer", PASSWORD).status_code == 302


def test_other_users_from_the_same_address_are_not_locked(client, officer_user, admin_user):
    for _ in range(5):
        sign_in(client, "officer", "wrong")
    assert sign_in(client, "admin", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("trusted", "forwarded", "remote", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),                  # no proxy: header ignored
        (1, "6.6.6.6, 203.0.113.5", "10.0.0.1", "203.0.113.5"),  # one proxy: last entry
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1", "10.0.0.1"),              # too few entries: not trusted
        (1, "", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_client_address_comes_from_the_forwarded_header_per_trusted_proxies(
    trusted, forwarded, remote, expected
):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(request) == expected


@override_settings(TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_lockout_follows_the_forwarded_client(client, officer_user):
    for _ in range(5):
        sign_in(client, "officer", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert sign_in(client, "officer", PASSWORD,
                   HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_in(client, "officer", PASSWORD,
                   HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client, officer_user):
    page = client.get(reverse("login"))
    assert reverse("password_reset") in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": officer_user.email})
    assert response["Location"] == reverse("password_reset_done")
    drain()  # the e-mail is sent after the response
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer_user.email]
    assert "UNODC Central Asia portal" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": "a-brand-new-passphrase-2011", "new_password2":
        "a-brand-new-passphrase-2011"})
    assert done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, "officer", "a-brand-new-passphrase-2011").status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"},
                           follow=True)
    assert "Check your e-mail" in response.content.decode()
    drain()
    assert mail.outbox == []


def test_password_change_needs_the_old_password(client, officer_user):
    client.force_login(officer_user)
    wrong = client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": "another-good-passphrase",
        "new_password2": "another-good-passphrase"})
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    right = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another-good-passphrase",
        "new_password2": "another-good-passphrase"})
    assert right["Location"] == reverse("password_change_done")
    officer_user.refresh_from_db()
    assert officer_user.check_password("another-good-passphrase")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))
