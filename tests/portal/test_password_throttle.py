"""Password reset does the same work whether or not the address exists (the e-mail goes after
the response), reset is throttled per address and per client, and the password-change form's
old-password check is throttled like sign-in — with counters in the database, shared by every
worker and server, and a clear message (429) when throttled."""

import random
import statistics
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from unodc_portal.core import throttle
from unodc_portal.core.after_response import drain
from unodc_portal.core.models import Throttle

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


class SlowEmailBackend(EmailBackend):
    """A mail server that takes 200 ms per message."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)


def reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_a_reset_takes_as_long_for_a_known_address_as_for_an_unknown_one(
    client, officer_user, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 1000
    timings = {"known": [], "unknown": []}
    addresses = {"known": officer_user.email, "unknown": "nobody-here@example.org"}
    for _ in range(2):  # warm-up: templates, URL resolver, first queries
        for address in addresses.values():
            reset(client, address)
        drain()
    mail.outbox.clear()
    order = random.Random(11)
    for _ in range(30):
        kinds = list(addresses)
        order.shuffle(kinds)  # neither kind always goes first
        for kind in kinds:
            started = time.perf_counter()
            response = reset(client, addresses[kind])
            timings[kind].append(time.perf_counter() - started)
            assert response.status_code == 302
            drain()  # the e-mail, sent after the response, is not timed
            # The same quiet time before every request, whatever the last one queued.
            time.sleep(max(0.0, 0.25 - (time.perf_counter() - started)))
    known, unknown = (statistics.median(timings[kind]) for kind in ("known", "unknown"))
    print(f"median reset request: known {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms")
    assert abs(known - unknown) < 0.020, (known, unknown)
    # And the known address did get its thirty messages, each through the slow server.
    assert len(mail.outbox) == 30
    assert {tuple(message.to) for message in mail.outbox} == {(officer_user.email,)}


def test_the_email_is_sent_after_the_response(client, officer_user, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    response = reset(client, officer_user.email)
    assert response.status_code == 302
    assert mail.outbox == []  # the response came back before the 200 ms server answered
    drain()
    assert len(mail.outbox) == 1


def test_reset_is_throttled_per_address(client, officer_user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for _ in range(3):
        assert reset(client, officer_user.email).status_code == 302
    refused = reset(client, officer_user.email.upper())  # the same address, however written
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    drain()
    assert len(mail.outbox) == 3
    # An unknown address is counted and refused alike (the answer does not tell them apart).
    for _ in range(3):
        assert reset(client, "nobody@example.org").status_code == 302
    assert reset(client, "nobody@example.org").status_code == 429


def test_reset_is_throttled_per_client(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 5
    for n in range(5):
        assert reset(client, f"someone{n}@example.org").status_code == 302
    assert reset(client, "someone-else@example.org").status_code == 429
    # Another client is not affected.
    assert reset(client, "someone-else@example.org",
                 REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_counters_are_in_the_database_and_hold_no_address(client, officer_user, settings):
    """Another worker's (or server's) count is this worker's count: a counter written to the
    database refuses the request here."""
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    rule = throttle.reset_per_address()
    from django.utils import timezone

    Throttle.objects.create(scope=rule.scope, key=throttle.digest(rule, officer_user.email),
                            window_start=timezone.now(), count=3)
    assert reset(client, officer_user.email).status_code == 429
    reset(client, "other@example.org")
    stored = " ".join(f"{t.scope} {t.key}" for t in Throttle.objects.all())
    assert "@" not in stored and "example" not in stored


def test_a_reset_window_ends(client, officer_user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    assert reset(client, officer_user.email).status_code == 302
    assert reset(client, officer_user.email).status_code == 429
    Throttle.objects.update(window_start=throttle.timezone.now() - settings.PASSWORD_RESET_WINDOW)
    assert reset(client, officer_user.email).status_code == 302


def change(client, old, **extra):
    return client.post(reverse("password_change"), {
        "old_password": old, "new_password1": "another-good-passphrase",
        "new_password2": "another-good-passphrase"}, **extra)


def test_the_old_password_check_is_throttled_like_sign_in(client, officer_user, settings):
    client.force_login(officer_user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = change(client, "guess")
        assert wrong.status_code == 200
        assert "Your old password was entered incorrectly" in wrong.content.decode()
    # Locked now: even the right password is not tried.
    locked = change(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many wrong current passwords" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    officer_user.refresh_from_db()
    assert officer_user.check_password(PASSWORD)
    # From another address the user is not locked (as sign-in locks a name from one address).
    assert change(client, PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_the_old_password_lock_ends_after_the_cool_off(client, officer_user, settings):
    client.force_login(officer_user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change(client, "guess")
    assert change(client, PASSWORD).status_code == 429
    Throttle.objects.update(window_start=throttle.timezone.now() - settings.AXES_COOLOFF_TIME)
    assert change(client, PASSWORD).status_code == 302


def test_a_right_old_password_clears_the_failures(client, officer_user, settings):
    client.force_login(officer_user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        change(client, "guess")
    assert change(client, PASSWORD).status_code == 302
    assert not Throttle.objects.filter(scope="password-change").exists()


def test_the_admins_password_change_is_throttled_alike(client, admin_user, settings):
    client.force_login(admin_user)
    url = reverse("admin:password_change")
    data = {"new_password1": "another-good-passphrase",
            "new_password2": "another-good-passphrase"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(url, {"old_password": "guess", **data}).status_code == 200
    locked = client.post(url, {"old_password": PASSWORD, **data})
    assert locked.status_code == 429
    assert "Too many wrong current passwords" in locked.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)
