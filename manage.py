#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only read the models and migrations sign nothing, so they run without a secret
# key (`makemigrations --check` on a fresh clone). Serving, `check` and every other command still
# stop when debug is off and DJANGO_SECRET_KEY is not set.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unodc_portal.settings")
    if sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS and not os.environ.get(
        "DJANGO_SECRET_KEY", ""
    ).strip():
        os.environ["DJANGO_SECRET_KEY"] = "django-insecure-unused-by-" + sys.argv[1]
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
