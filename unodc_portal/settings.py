"""Settings for the UNODC Central Asia programme portal.

Everything that differs between a laptop and production is read from the environment:

- ``DJANGO_DEBUG``         1/0, default 0 (``make run`` sets 1)
- ``DJANGO_SECRET_KEY``    required when debug is off
- ``DJANGO_ALLOWED_HOSTS`` comma-separated host names
- ``DATABASE_URL``         e.g. postgres://postgres@127.0.0.1:5432/unodc_portal;
                           unset means the SQLite file ``db.sqlite3`` in the project
- ``DJANGO_HTTPS``         1/0, default: on when debug is off. The portal is served behind a
                           TLS-terminating proxy; this turns on HTTPS redirects, HSTS and secure
                           cookies.
- ``DJANGO_TRUSTED_PROXIES`` how many reverse proxies in front of the portal append to
                           X-Forwarded-For (default 0: the client address is REMOTE_ADDR). Used
                           for the sign-in lockout.
- ``DJANGO_EMAIL_HOST``, ``DJANGO_EMAIL_PORT`` (587), ``DJANGO_EMAIL_HOST_USER``,
  ``DJANGO_EMAIL_HOST_PASSWORD``, ``DJANGO_EMAIL_USE_TLS`` (1), ``DJANGO_EMAIL_USE_SSL`` (0),
  ``DJANGO_DEFAULT_FROM_EMAIL``: SMTP for password-reset e-mail when debug is off (debug prints
                           e-mail to the console).
- ``REDIS_URL``            e.g. redis://127.0.0.1:6379/0: the shared cache is Redis; unset means
                           the database table ``portal_cache`` (``manage.py createcachetable``).
                           Either is shared by every worker and server.
- ``PORTAL_PAGE_CACHE``    1/0, default 1: anonymous pages are served from the shared cache
                           (unodc_portal/core/pagecache.py)
- ``PORTAL_PAGE_CACHE_SECONDS`` how long a cached page is kept at most (default 600); every write
                           invalidates the cache at once whatever this says.
- ``DJANGO_MEDIA_ROOT``    attachments' directory on local disk (default ``media/``)
- ``DJANGO_ERASURE_JOURNAL_DIR`` the erasure journal's directory (default ``erasure-journal/``):
                           one line per erasure, outside the database, copied into every backup
                           and replayed by a restore (README, "Backup and restore")
- ``DJANGO_S3_BUCKET``, ``DJANGO_S3_ENDPOINT_URL``, ``DJANGO_S3_REGION``,
  ``DJANGO_S3_ADDRESSING_STYLE``, ``DJANGO_S3_PUBLIC_URL``, and boto3's ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``: attachments in an S3-compatible bucket
                           (README, "Object storage").
"""

import base64
import datetime
import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (got {value!r}).")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set the DJANGO_SECRET_KEY environment variable to a "
            "long random string (debug is off, so no development key is used)."
        )
    SECRET_KEY = "django-insecure-development-key-used-only-with-DJANGO_DEBUG-on"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: records' content in English and Russian.
    "modeltranslation",
    "unodc_portal.core.admin_site.PortalAdminConfig",  # django.contrib.admin, programme first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "unodc_portal.core",
    "activities",
    "donors",
    "results",
    "attachments",
    "search",
    "accesslog",
    "personaldata",
    "unodc_portal.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Attachments' public copies (local disk), before any session, user or page cache.
    "attachments.middleware.PublicFilesMiddleware",
    # On / only: a first visit whose browser prefers Russian goes to /ru/ (before the cache).
    "unodc_portal.core.languages.FirstVisitLanguageMiddleware",
    # Anonymous pages from the shared cache, before any session or user is looked up.
    "unodc_portal.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A page's language is its address: English unprefixed, Russian under /ru/.
    "unodc_portal.core.languages.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "unodc_portal.core.middleware.RefuseNulMiddleware",  # PostgreSQL cannot compare text with NUL
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "unodc_portal.core.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A pasted essay in the admin's search box is refused.
    "unodc_portal.core.middleware.AdminSearchLimitMiddleware",
    # Officers' and admins' sessions: end with the browser, and after 8 idle hours.
    "unodc_portal.core.sessions.PersonalDataSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # One entry per answer that showed participants' personal data (accesslog.log.saw).
    "accesslog.middleware.AccessLogMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "unodc_portal.urls"
WSGI_APPLICATION = "unodc_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "unodc_portal.site.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite in the project unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation: PostgreSQL compiles a query whose estimated cost passes
    # jit_above_cost, which a page's ranked or correlated queries do at a million rows, and the
    # compilation alone took 0.95 s of a 1.1 s site search that runs in 0.16 s without it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis with REDIS_URL, else a table of the database. Never per-process memory:
# an invalidation must reach every worker and every server. A cache that does not answer
# within a second is treated as down (pages are served uncached).
# In Redis, each database's entries are kept under a prefix of its own: portals on other
# databases (staging, a benchmark) may share one Redis and never see each other's pages.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    _database = DATABASES["default"]
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal-" + hashlib.sha256(
                "|".join(str(_database.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))
                .encode()
            ).hexdigest()[:12],
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Anonymous pages served from the cache (unodc_portal/core/pagecache.py), kept at most this long.
PAGE_CACHE = envbool("PORTAL_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = envint("PORTAL_PAGE_CACHE_SECONDS", 600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in: django-axes checks every attempt first and locks one user name from one client address
# after five failures, for fifteen minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Users who may see personal data (officers, admins): the session cookie ends with the browser
# session, and the server ends a session idle for longer than this (unodc_portal/core/sessions.py).
PERSONAL_DATA_SESSION_IDLE = datetime.timedelta(
    hours=envint("DJANGO_PERSONAL_DATA_SESSION_IDLE_HOURS", 8)
)

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "unodc_portal.core.client_ip.client_ip"
AXES_VERBOSE = False
TRUSTED_PROXIES = envint("DJANGO_TRUSTED_PROXIES", 0)

# E-mail (password reset): printed to the console in debug, SMTP from the environment otherwise.
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = envbool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "UNODC portal <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
# Reset requests allowed per address and per client address in a window (counters in the
# database, unodc_portal/core/throttle.py); the password-change form's old-password check follows
# the sign-in lockout (AXES_FAILURE_LIMIT failures, then AXES_COOLOFF_TIME).
PASSWORD_RESET_LIMIT_PER_ADDRESS = envint("DJANGO_PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = envint("DJANGO_PASSWORD_RESET_LIMIT_PER_CLIENT", 20)
PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)
# Report packs (results.pack_views): each costs seconds of a worker at scale, so an account
# makes at most this many in an hour (the form then says when it may ask again).
REPORT_PACK_LIMIT_PER_USER = envint("DJANGO_REPORT_PACK_LIMIT_PER_USER", 30)
REPORT_PACK_WINDOW = datetime.timedelta(hours=1)

# Participant import: the largest file accepted and how long an unconfirmed preview is kept.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_BATCH_HOURS = 24

# Personal data (README, "Personal data"). Erasures are also appended to a journal outside the
# database, copied into every backup and replayed by ``make restore``.
ERASURE_JOURNAL_DIR = Path(
    os.environ.get("DJANGO_ERASURE_JOURNAL_DIR", "").strip() or BASE_DIR / "erasure-journal")
# How long personal data is kept (``manage.py apply_retention``, run daily).
PERSONAL_DATA_RETENTION = {
    # a participant's e-mail and phone, counted from the end of their last event
    "contact_details_days": 5 * 365,
    # an import batch's stored rows (names, e-mails, phones), counted from its upload
    "import_batch_days": 30,
    # the access log's entries
    "access_log_days": 2 * 365,
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000  # an event page with many participant rows
# Files in one request: the attachments' page takes at most 20 at once (each up to 50 MB); a
# 21st stops the parser before it writes another temporary file.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Exports (CSV/XLSX of a list page's rows): above this many rows the visitor is asked to narrow
# the filters.
EXPORT_MAX_ROWS = envint("DJANGO_EXPORT_MAX_ROWS", 1_000_000)

# Open data (/open-data/): the licence under which the office publishes the exports, the API and
# the IATI file, as the office words it (e.g. "Creative Commons Attribution 4.0 International
# (CC BY 4.0)"), and where its text is. Unset, the page says that no licence has been set yet.
OPEN_DATA_LICENCE = os.environ.get("PORTAL_OPEN_DATA_LICENCE", "").strip()
OPEN_DATA_LICENCE_URL = os.environ.get("PORTAL_OPEN_DATA_LICENCE_URL", "").strip()

# seed_demo writes the demo accounts' passwords here (generated per installation, mode 0600,
# never in git); remove_demo deletes it with the accounts.
DEMO_ACCOUNTS_FILE = Path(
    os.environ.get("PORTAL_DEMO_ACCOUNTS_FILE", "").strip() or BASE_DIR / ".demo-accounts"
)

# The read-only JSON API (/api/, unodc_portal/core/api.py): the list pages' FilterSets, session or
# token authentication, JSON only (the browsable API's templates carry inline styles that the
# Content-Security-Policy refuses; /api/docs/ is the browsable documentation).
REST_FRAMEWORK = {
    # Token first, so that a bad token is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["unodc_portal.core.api.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "unodc_portal.core.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UNODC Central Asia Programme Portal API",
    "DESCRIPTION": (
        "Read-only open data of the UNODC Regional Office for Central Asia: projects, events "
        "(participant aggregates; officers also get participant records), seizures, donors, "
        "contributions and bulletin articles. Every list takes the same filters as its page on "
        "the portal, and `page` / `page_size`. Anonymous callers see published data; a donor's "
        "token or session adds its own unpublished contributions. A value that does not fit the "
        "schema gives 400 with the parameter named; one that fits but names nothing (an unknown "
        "key, a range backwards, a page beyond the last) gives 404, naming it too."
    ),
    # Raised with every change of the schema (tests/api_contract/test_schema_version.py); the
    # README's "JSON API" keeps the changelog for partners.
    "VERSION": "3",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "unodc_portal.core.api.schema_contract",
    ],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # officers land on their workspace (unodc_portal.site.views.SignInView)
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
# English (the default, unprefixed addresses) and Russian (/ru/…). Labels in their own language,
# as a language switcher shows them.
LANGUAGES = [("en-gb", "English"), ("ru", "Русский")]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # Libraries' Russian that Django cannot find on its own (django-simple-history ships ru_RU).
    BASE_DIR / "locale" / "vendor",
]
# The language cookie remembers a choice made with the switcher (for the first visit to /).
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Records' content (django-modeltranslation): columns title_en, title_ru, …; reading falls back
# to English where no Russian version was entered.
MODELTRANSLATION_LANGUAGES = ("en", "ru")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_AUTO_POPULATE = False
USE_TZ = True

# Static files: committed under static/, served by whitenoise in every environment.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed copies made by collectstatic (``make serve`` runs it);
# debug and tests serve the files in place.
STATIC_MANIFEST = envbool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Attachments' files (attachments/storage.py): a directory on local disk by default.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", "").strip() or BASE_DIR / "media")
STORAGES["attachments"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": MEDIA_ROOT, "base_url": None, "file_permissions_mode": 0o640,
                "directory_permissions_mode": 0o750},
}
# A signed storage address for a private file lives this long (object storage only).
ATTACHMENT_SIGNED_URL_SECONDS = 60


def _origin(url: str) -> str:
    """scheme://host[:port] of an address (the CSP's unit)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _env_address(name: str, *, path_allowed: bool) -> str:
    """An http(s) address from the environment ('' when unset), refused with its name when it
    is not one."""
    from urllib.parse import urlsplit

    value = os.environ.get(name, "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if (parts.scheme not in {"http", "https"} or not parts.hostname or parts.query
            or parts.fragment or parts.username or (parts.path.strip("/") and not path_allowed)):
        kind = "an http(s) address" + ("" if path_allowed else " without a path")
        raise ImproperlyConfigured(f"{name} must be {kind} (got {value!r}).")
    return value.rstrip("/")


def object_storage(bucket: str, *, endpoint_url: str, region: str, addressing_style: str,
                   public_url: str, signed_url_seconds: int) -> tuple[dict, list[str]]:
    """``STORAGES["attachments"]`` for an S3-compatible bucket, and the origins its addresses
    use (the bucket's own, for the signed addresses of private files and thumbnails; the public
    base's, for public copies), which the CSP must allow as images. The bucket's origin is the
    one botocore puts in the addresses it signs (computed offline, no request)."""
    import boto3
    from botocore.config import Config

    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "addressing_style": addressing_style or None,
        "signature_version": "s3v4",
        # Credentials: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
        # AWS_SESSION_TOKEN, ~/.aws, an instance role).
        "default_acl": None,  # every object private; public/* readable by the bucket's policy
        "querystring_auth": True,
        "querystring_expire": signed_url_seconds,
        "file_overwrite": False,
        "location": "",
    }
    probe = boto3.session.Session(aws_access_key_id="probe", aws_secret_access_key="probe")
    client = probe.client("s3", endpoint_url=options["endpoint_url"], region_name=region,
                          config=Config(signature_version="s3v4",
                                        s3={"addressing_style": options["addressing_style"]}))
    bucket_origin = _origin(client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "files/probe"}, ExpiresIn=1))
    origins = [bucket_origin]
    if public_url and _origin(public_url) != bucket_origin:
        origins.append(_origin(public_url))
    return ({"BACKEND": "attachments.s3.ObjectStorage", "OPTIONS": options}, origins)


# Object storage instead of local disk when a bucket is named (README, "Object storage").
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "").strip()
S3_ENDPOINT_URL = _env_address("DJANGO_S3_ENDPOINT_URL", path_allowed=False)
# Public copies' base address (a CDN in front of the bucket, say): the bucket's root, under
# which the keys (public/<token>/<name>) follow. Unset: the bucket's own address.
ATTACHMENT_PUBLIC_BASE_URL = _env_address("DJANGO_S3_PUBLIC_URL", path_allowed=True)
S3_ADDRESSING_STYLE = os.environ.get("DJANGO_S3_ADDRESSING_STYLE", "").strip().lower()
if S3_ADDRESSING_STYLE not in {"", "auto", "path", "virtual"}:
    raise ImproperlyConfigured(
        f"DJANGO_S3_ADDRESSING_STYLE must be path, virtual or auto (got {S3_ADDRESSING_STYLE!r}).")
# The origins the CSP allows images from, besides the portal's own (object storage only).
ATTACHMENT_ORIGINS: list[str] = []
if S3_BUCKET:
    STORAGES["attachments"], ATTACHMENT_ORIGINS = object_storage(
        S3_BUCKET, endpoint_url=S3_ENDPOINT_URL,
        region=(os.environ.get("DJANGO_S3_REGION", "").strip()
                or os.environ.get("AWS_DEFAULT_REGION", "").strip() or "us-east-1"),
        addressing_style="" if S3_ADDRESSING_STYLE == "auto" else S3_ADDRESSING_STYLE,
        public_url=ATTACHMENT_PUBLIC_BASE_URL,
        signed_url_seconds=ATTACHMENT_SIGNED_URL_SECONDS)
elif S3_ENDPOINT_URL or ATTACHMENT_PUBLIC_BASE_URL:
    raise ImproperlyConfigured(
        "DJANGO_S3_ENDPOINT_URL and DJANGO_S3_PUBLIC_URL need DJANGO_S3_BUCKET (the bucket).")
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# HTTPS: the portal runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
HTTPS = envbool("DJANGO_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def csp_hash(inline: str) -> str:
    """The CSP source that allows exactly this inline text: 'sha256-<base64 of its digest>'."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()}'"


# Content-Security-Policy (django-csp 4): scripts and styles only from the portal's own static
# files — no inline scripts, no CDN, and one style attribute only: the paginator of
# django-simple-history's admin history page carries "border-top: 0", allowed by its hash rather
# than by a copy of that template (style-src-attr covers attributes only, so the hash admits no
# style element). data: images are Bootstrap's SVG icons. With object storage, images (thumbnails
# and photos) also come from the bucket (a private one through a redirect to its signed address)
# and from the public copies' base address: ATTACHMENT_ORIGINS, empty on local disk. Downloads are
# navigations, which no directive governs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_HASHES, csp_hash("border-top: 0")],
        "img-src": [SELF, "data:", *ATTACHMENT_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Uploads: every uploaded file is inspected by unodc_portal/core/uploads.py before anything
# parses it.
# A participant list of 20,000 rows in the template's 7 columns is about 1 MB as an XLSX, whose
# largest part (the sheet) unpacks to about 10 MB at 12 to 23 to 1; Excel writes about ten parts.
# The defaults leave several times that room and no more: 50 MB unpacked, whatever the file
# claims, is the most any parser is given (openpyxl needs a few times that in memory at worst).
UPLOAD_MAX_BYTES = envint("DJANGO_UPLOAD_MAX_BYTES", IMPORT_MAX_BYTES)  # any file, any form
UPLOAD_MAX_UNCOMPRESSED_BYTES = envint("DJANGO_UPLOAD_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_PART_BYTES = envint("DJANGO_UPLOAD_MAX_PART_BYTES", 25 * 1024 * 1024)
UPLOAD_MAX_PARTS = envint("DJANGO_UPLOAD_MAX_PARTS", 200)
# Deflate's ceiling is 1032 to 1; spreadsheets' XML reaches 10 to 40. Parts smaller than the floor
# cost nothing whatever their ratio (a near-empty style sheet may exceed it).
UPLOAD_MAX_RATIO = envint("DJANGO_UPLOAD_MAX_RATIO", 100)
UPLOAD_RATIO_FLOOR_BYTES = 1024 * 1024
# openpyxl holds a workbook's shared strings (its distinct texts) in memory at once: 20,000 rows of
# the template's 7 columns have at most 140,000 ...
UPLOAD_MAX_SHARED_STRINGS = envint("DJANGO_UPLOAD_MAX_SHARED_STRINGS", 200_000)
# and parses every cell of every row it reads: 300,000 is twice the template's 140,000 (about 4 s).
UPLOAD_MAX_CELLS = envint("DJANGO_UPLOAD_MAX_CELLS", 300_000)
# CSV (and the rows read from a workbook): the import's 20,000 rows; 50 columns (the template has
# 7); a physical line of at most 32,768 characters (a template row is under 1,500).
UPLOAD_MAX_ROWS = envint("DJANGO_UPLOAD_MAX_ROWS", 20_000)
UPLOAD_MAX_COLUMNS = 50
UPLOAD_MAX_LINE_CHARS = 32_768
# Attachments (unodc_portal/core/uploads/files.py), per kind. A page that takes them raises the
# request's cap to the largest with allow_upload_bytes(); the import keeps UPLOAD_MAX_BYTES.
# Photo: a 48 MP phone or camera JPEG is 10-20 MB; larger are RAW exports, which no page needs.
# Agenda: a few pages of text, or a scan of them (10 MB is about 30 scanned pages).
# Attendance sheet: signed pages, scanned at 300 dpi in colour (about 1 MB a page): 25 pages.
# Presentation, report, evidence: slides and reports carry photos; 50 MB holds a 100-slide deck
# or a 200-page illustrated report, and a byte cap of 50 MB costs at most that on the disk's
# temporary files per file while the request is read. Other: between the two.
ATTACHMENT_MAX_BYTES = {
    "photo": 20 * 1024 * 1024,
    "agenda": 10 * 1024 * 1024,
    "attendance_sheet": 25 * 1024 * 1024,
    "presentation": 50 * 1024 * 1024,
    "report": 50 * 1024 * 1024,
    "evidence": 50 * 1024 * 1024,
    "other": 25 * 1024 * 1024,
}
# Pixels of an image (width x height), read from its header before it is decoded: a 48 MP camera
# (8000 x 6000) passes; decoding 60 million pixels costs up to 240 MB (RGBA), the most one request
# may take. A 50,000 x 50,000 PNG of a few KB (2,500 million pixels, 10 GB decoded) is refused
# from its header. (Pillow's own MAX_IMAGE_PIXELS, 89 million, only warns below twice that.)
ATTACHMENT_MAX_PIXELS = envint("DJANGO_ATTACHMENT_MAX_PIXELS", 60_000_000)
# Thumbnails: the longest side in pixels; a gallery tile at twice a 240 px column (sharp on
# high-density screens).
ATTACHMENT_THUMBNAIL_PX = 480
# Bytes of a file past UPLOAD_MAX_BYTES are read and dropped, never kept in memory or on disk.
FILE_UPLOAD_HANDLERS = [
    "unodc_portal.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
