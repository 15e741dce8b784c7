"""Production settings: `check --deploy` is clean, and responses behind the TLS proxy carry the
security headers and cookie flags."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-grade-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}
SECURITY_SETTINGS = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "SECURE_PROXY_SSL_HEADER", "CONTENT_SECURITY_POLICY", "ALLOWED_HOSTS",
]


def production_settings(monkeypatch) -> dict:
    """The settings module as production reads it from the environment."""
    for name in list(os.environ):
        if name.startswith("DJANGO_"):
            monkeypatch.delenv(name)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "production_settings", ROOT / "unodc_portal" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in SECURITY_SETTINGS}


def test_check_deploy_reports_no_warnings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_responses_behind_the_tls_proxy_carry_security_headers(client, monkeypatch):
    values = production_settings(monkeypatch)
    assert values["DEBUG"] is False
    with override_settings(**values):
        plain = client.get("/", HTTP_HOST="portal.example.org")
        assert plain.status_code == 301
        assert plain["Location"] == "https://portal.example.org/"

        response = client.get("/", HTTP_HOST="portal.example.org",
                              HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp

        # Cookies: secure session (HttpOnly) and secure CSRF cookie on a sign-in.
        user = factories.UserFactory(username="someone")
        login_page = client.get("/accounts/login/", HTTP_HOST="portal.example.org",
                                HTTP_X_FORWARDED_PROTO="https")
        csrf = login_page.cookies["csrftoken"]
        assert csrf["secure"] is True
        signed_in = client.post(
            "/accounts/login/",
            {"username": user.username, "password": "correct-horse-battery-staple",
             "csrfmiddlewaretoken": csrf.value},
            HTTP_HOST="portal.example.org", HTTP_X_FORWARDED_PROTO="https",
        )
        assert signed_in.status_code == 302
        session = signed_in.cookies["sessionid"]
        assert session["secure"] is True and session["httponly"] is True


@pytest.mark.django_db
def test_healthz_answers_plain_http_for_load_balancers(client, monkeypatch):
    with override_settings(**production_settings(monkeypatch)):
        response = client.get("/healthz", HTTP_HOST="portal.example.org")
    assert response.status_code == 200


@pytest.mark.django_db
def test_pages_served_to_signed_in_users_are_never_stored_by_shared_caches(client, roles):
    from tests.pages import private_participant

    participant = private_participant()
    public = client.get("/events/")
    assert "private" not in public.get("Cache-Control", "")

    officer = factories.UserFactory(username="officer")
    officer.groups.add(roles["Programme officers"])
    client.force_login(officer)
    for url in ("/events/", participant.get_absolute_url(), "/participants/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
