"""Skeleton pages: home, health check, sign-in and sign-out, styled error pages, settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from tests.engine import sqlite_only

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_home_page_has_navigation_and_footer(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<nav class="navbar' in html and 'aria-label="Main navigation"' in html
    assert "Data source:" in html
    assert 'href="/accounts/login/' in html
    assert '<a class="nav-link" href="/countries/">Countries</a>' in html  # the country pages


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Main navigation" in html


def test_styled_403_and_500_templates_render(client, rf):
    from unodc_portal.site import views

    forbidden = views.permission_denied(rf.get("/"))
    assert forbidden.status_code == 403
    assert b"not allowed" in forbidden.content
    error = views.server_error(rf.get("/"))
    assert error.status_code == 500
    assert b"Something went wrong" in error.content


def test_sign_in_and_sign_out(client, admin_user):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    bad = client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    assert bad.status_code == 200
    assert "Please enter a correct username and password" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "admin",
                                          "password": "correct-horse-battery-staple"})
    assert good.status_code == 302
    assert "Signed in as admin" in client.get("/").content.decode()
    out = client.post(reverse("logout"))
    assert out.status_code == 302
    assert "Signed in as" not in client.get("/").content.decode()


# The commands below run manage.py in a process of its own, its environment without
# DATABASE_URL: they run alike whichever database the suite uses.
SEPARATE_PROCESS = sqlite_only("manage.py runs in a process of its own without DATABASE_URL")


def run_manage(*args, env_overrides):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )


@SEPARATE_PROCESS
def test_start_up_without_secret_key_stops_naming_the_variable():
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@SEPARATE_PROCESS
def test_migration_commands_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run",
                        env_overrides={"DJANGO_DEBUG": "0"})
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@SEPARATE_PROCESS
def test_debug_mode_starts_without_a_secret_key():
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


PRINT_DATABASE = (
    "from django.conf import settings; db = settings.DATABASES['default']; "
    "print(db['ENGINE'], db['NAME'])"
)


@SEPARATE_PROCESS
def test_database_url_selects_postgresql():
    result = run_manage(
        "shell", "--no-imports", "-c", PRINT_DATABASE,
        env_overrides={"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@db.example:5432/portal"},
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "portal"]


@SEPARATE_PROCESS
def test_without_database_url_sqlite_in_the_project_is_used():
    result = run_manage(
        "shell", "--no-imports", "-c", PRINT_DATABASE, env_overrides={"DJANGO_DEBUG": "1"}
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
