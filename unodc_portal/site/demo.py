"""Demo accounts: their names, and the file that keeps their passwords.

``seed_demo`` (debug only) makes one account per role, members of ``roles.DEMO_GROUP`` as well,
with passwords generated per installation (``secrets.token_urlsafe``) into
``settings.DEMO_ACCOUNTS_FILE`` (``.demo-accounts`` in the project, git-ignored), written readable
by its owner only. Running seed_demo again reads the file and keeps the passwords; ``remove_demo``
deletes the accounts and the file. No password is written in the code or the README.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

# (user name, role), in the order they are printed.
DEMO_ACCOUNTS = [
    ("demo-officer", "officer"),
    ("demo-donor", "donor"),
    ("demo-admin", "admin"),
]
DEMO_USERNAMES = [username for username, _role in DEMO_ACCOUNTS]
FILE_HEADER = (
    "# Demo accounts of this installation (manage.py seed_demo, debug only).\n"
    "# user name, password — generated here, never in git; manage.py remove_demo deletes them.\n"
)


def accounts_file() -> Path:
    return Path(settings.DEMO_ACCOUNTS_FILE)


def read_passwords() -> dict[str, str]:
    """The passwords kept in the accounts file, by user name ({} when there is no file)."""
    try:
        text = accounts_file().read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    passwords = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            username, _, password = line.strip().partition(" ")
            if password.strip():
                passwords[username] = password.strip()
    return passwords


def new_password() -> str:
    return secrets.token_urlsafe(18)


def write_passwords(passwords: dict[str, str]) -> Path:
    """Write the accounts file, readable and writable by its owner only (0600), whatever the
    umask, and whether or not it existed."""
    path = accounts_file()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(FILE_HEADER)
        for username in DEMO_USERNAMES:
            if username in passwords:
                stream.write(f"{username} {passwords[username]}\n")
    return path


def remove_accounts_file() -> bool:
    try:
        accounts_file().unlink()
    except FileNotFoundError:
        return False
    return True
