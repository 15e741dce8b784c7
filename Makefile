# UNODC Central Asia programme portal.
#   make run    — try it locally: virtualenv, install, migrate, load the bulletin, serve on :8000
#   make test   — the whole test suite (SQLite unless DATABASE_URL says otherwise)
#   make lint   — ruff
#   make check  — Django's system check, missing migrations, ruff

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Local try-out settings: debug on, a development secret key generated once (kept out of git).
DEV_ENV = DJANGO_DEBUG=1 DJANGO_SECRET_KEY="$$(cat .dev-secret-key)"

.PHONY: run test lint check venv fixtures clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create the virtualenv: on Debian/Ubuntu install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

.dev-secret-key: | $(STAMP)
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

run: $(STAMP) .dev-secret-key
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_fixtures
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

fixtures: $(STAMP) .dev-secret-key
	$(DEV_ENV) $(PY) manage.py load_fixtures

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	DJANGO_SECRET_KEY=check-only $(PY) manage.py check --fail-level WARNING
	DJANGO_SECRET_KEY=check-only $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
