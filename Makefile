# UNODC Central Asia programme portal.
#   make run    — try it locally: virtualenv, install, migrate, load the bulletin, serve on :8000
#   make test   — the whole test suite (SQLite unless DATABASE_URL says otherwise)
#   make lint   — ruff
#   make check  — Django's system check, missing migrations, ruff, import layers (import-linter)
#   make serve  — production-style: gunicorn + whitenoise, settings from the environment
#                 (a synthetic database, seed_scale, only with SERVE_SYNTHETIC=1, on 127.0.0.1)
#   make messages — after changing interface text: extract it into locale/ru (needs GNU gettext),
#                 then compile the catalogues in pure Python (the .mo files are committed)
#   make backup — one dated, database-independent backup archive (rows and files) in backups/
#   make restore FILE=backups/… — load a backup into an empty database and media storage

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Local try-out settings: debug on, a development secret key generated once (kept out of git).
DEV_ENV = DJANGO_DEBUG=1 DJANGO_SECRET_KEY="$$(cat .dev-secret-key)"

# Commands that also work after `make run` without production settings: the environment's
# secret key when set, else the development key.
ANY_ENV = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .dev-secret-key)}"
WORKERS ?= 3
THREADS ?= 8
# The suite runs on every core (at most four): each worker has its own test database, and a
# worker that runs out of tests takes some of another's (worksteal), so the long walks do not
# leave a core idle at the end.
# `make test PYTEST_ARGS="tests/browser -x"` runs a part in one process.
PYTEST_ARGS ?= -n auto --maxprocesses=4 --dist worksteal

.PHONY: run test lint check venv fixtures clean serve backup restore messages

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
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py sync_roles
	$(DEV_ENV) $(PY) manage.py load_fixtures
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

fixtures: $(STAMP) .dev-secret-key
	$(DEV_ENV) $(PY) manage.py createcachetable
	$(DEV_ENV) $(PY) manage.py load_fixtures

# Extraction needs GNU gettext (a developer's tool); compiling does not: the .mo files are
# committed and tests/i18n/test_catalogues.py checks they are in step with the .po files.
MESSAGES_IGNORE = -i ".venv/*" -i "tests/*" -i "benchmarks/*" -i "staticfiles/*" -i "node_modules/*" -i "static/vendor/*"
messages: $(STAMP) .dev-secret-key
	$(DEV_ENV) $(PY) manage.py makemessages -l ru --add-location file --no-obsolete $(MESSAGES_IGNORE)
	$(DEV_ENV) $(PY) manage.py makemessages -d djangojs -l ru --add-location file --no-obsolete $(MESSAGES_IGNORE)
	$(DEV_ENV) $(PY) manage.py compile_catalogues

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	DJANGO_SECRET_KEY=check-only $(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/lint-imports

serve: $(STAMP)
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py createcachetable
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_roles
	SERVE_SYNTHETIC="$(SERVE_SYNTHETIC)" $(PY) manage.py serve_guard --host "$(HOST)"
	$(BIN)/gunicorn unodc_portal.wsgi:application --bind $(HOST):$(PORT) \
		--worker-class gthread --workers $(WORKERS) --threads $(THREADS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

backup: $(STAMP) .dev-secret-key
	$(ANY_ENV) $(PY) manage.py backup

restore: $(STAMP) .dev-secret-key
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/portal-backup-….tar"; exit 2; }
	$(ANY_ENV) $(PY) manage.py createcachetable
	$(ANY_ENV) $(PY) manage.py migrate --noinput
	$(ANY_ENV) $(PY) manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
