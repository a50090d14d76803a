"""Settings, all read from the environment (twelve-factor).

DATABASE_URL  postgres://user@host:5432/name, or unset for SQLite at var/jahesh.sqlite3
SECRET_KEY    required when DEBUG is off
DEBUG         "1"/"true" to enable (off by default)
ALLOWED_HOSTS comma-separated (default: localhost,127.0.0.1,[::1])
SECURE_COOKIES  "1" behind HTTPS: secure cookies, redirect to HTTPS, HSTS
SECURE_HSTS_SECONDS / SECURE_HSTS_PRELOAD  HSTS lifetime (default a year) / preload list (off)
JAHESH_VAR    where the SQLite file, uploads and screenshots live (default: ./var)
JAHESH_DASHBOARD_CACHE_SECONDS  how long a dashboard keeps its figures in the cache (default 60; 0: never)
JAHESH_TOKEN_DAYS  how many days an API token lives (default 30)
JAHESH_WEEKEND  the weekly days off, comma-separated (default thu,fri; Friday is always off)
JAHESH_SMS_BACKEND  file (default: $JAHESH_VAR/sms-outbox.jsonl), console, locmem or kavenegar
JAHESH_SMS_API_KEY / JAHESH_SMS_SENDER  the SMS gateway's key and sender line (kavenegar)
EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS  SMTP for notifications' e-mail
              (without EMAIL_HOST: one file per message under $JAHESH_VAR/mail)
DEFAULT_FROM_EMAIL  the notifications' sender address; JAHESH_SITE_URL  the site's address in e-mailed links
JAHESH_CAPTCHA_TEST  "1": the public report's captcha also accepts the answer PASSED (tests, demo; never in production)
REDIS_URL     redis://host:6379/0: one cache shared by several app servers (default: each process its own)
JAHESH_VISIT_FAR_M  a visit recorded farther than this from its unit is flagged (default 500)
JAHESH_VISIT_EVERY_HIGH_DAYS / _WATCH_DAYS / _LOW_DAYS  visit plan by risk level (default 30 / 91 / 365)
JAHESH_MAP_TILE_URL  map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (default: none, plain background)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JAHESH_VAR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG")
# The fallback key is for the demo and tests only; `jahesh check --deploy` flags it
# (its "django-insecure-" prefix), and production sets SECRET_KEY (see README).
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-jahesh-demo-key-not-for-production"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "django_tasks_db",
    "jahesh.core",
    "jahesh.geo",
    "jahesh.accounts",
    "jahesh.units",
    "jahesh.clinic",
    "jahesh.funds",
    "jahesh.volunteers",
    "jahesh.projects",
    "jahesh.reports",
    "jahesh.notifications",
    "jahesh.portal",
    "jahesh.inbox",
    "jahesh.api",
    "jahesh.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jahesh.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Persian unless the user picked English (the cookie); not the browser's language.
    "jahesh.core.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "jahesh.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jahesh.urls"
WSGI_APPLICATION = "jahesh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jahesh.accounts.context_processors.navigation",
                # last: a page rendered to be kept writes a marker for its CSRF token
                "jahesh.accounts.frame.slots",
            ],
            "builtins": ["jahesh.core.templatetags.jahesh"],
        },
    },
]
# Django's form renderer with <select> built in Python (same HTML; an option per
# template include made filter bars the costliest part of list pages).
FORM_RENDERER = "jahesh.core.form_renderer.Renderer"

# --- Database -------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "jahesh.sqlite3"
DATABASES = {
    # An empty DATABASE_URL= (a blank line in an env file) means unset, as the
    # docs say; dj_database_url.config would answer {} for it.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist (CONN_MAX_AGE above) on SQLite too: opening one reads the
    # whole schema and registers Django's functions again, ~11 ms a request, which
    # was most of what /healthz cost (bench/load.py; docs/deployment.md).
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; the busy timeout makes a
        # second writer wait instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg prepares only statements run through a cursor that binds on the
    # server, which Django's never do (they bind on the client): the statements
    # core.prepared.planned_rows asks to keep planned (a custom period's day
    # sums). Django's default, None, would refuse even those.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("prepare_threshold", 5)
    # A prepared statement runs its generic plan, planned once: at national
    # scale 0.3 the server kept planning the day sums for each run (22 ms, its
    # generic plan 2 ms), its estimate for the dates it sees beating the
    # generic plan's. Only prepared statements (and PL/pgSQL's, the stale-place
    # triggers' single-row statements) follow this setting.
    _options["options"] = (
        f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
    )
if os.environ.get("JAHESH_TEST_DB_NAME"):
    # Lets several test runs share one PostgreSQL server without clobbering each other.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JAHESH_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user without the ORM's compiler
    # (accounts.backends); sessions likewise (core.sessions).
    "jahesh.accounts.backends.ModelBackend",
]
SESSION_ENGINE = "jahesh.core.sessions"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: a locked-out login waits 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jahesh.accounts.views.lockout_response"
# An API token authenticates for this many days after it is issued; logout and a
# password change revoke the user's tokens sooner (accounts.signals).
JAHESH_TOKEN_DAYS = int(os.environ.get("JAHESH_TOKEN_DAYS", "30"))
# Weekly days off for working-day clocks (jahesh.geo.workdays): most government
# offices close Thursday and Friday; some Friday only or Friday and Saturday.
JAHESH_WEEKEND = os.environ.get("JAHESH_WEEKEND", "thu,fri")
# Text messages (jahesh.core.sms): the demo and a new install write them to a
# file; a production install sets a gateway and its key.
JAHESH_SMS_BACKEND = os.environ.get("JAHESH_SMS_BACKEND", "file")
JAHESH_SMS_API_KEY = os.environ.get("JAHESH_SMS_API_KEY", "")
JAHESH_SMS_SENDER = os.environ.get("JAHESH_SMS_SENDER", "")
# E-mail (password codes, notifications): through EMAIL_HOST when it is set,
# otherwise written as files under $JAHESH_VAR/mail (the demo, an office with
# no mail server yet), never lost.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jahesh@localhost")
JAHESH_SITE_URL = os.environ.get("JAHESH_SITE_URL", "http://127.0.0.1:8000")
SESSION_COOKIE_HTTPONLY = True

# --- HTTPS (behind the TLS proxy, README "Deployment") ------------------------
# SECURE_COOKIES=1 says the site is served over HTTPS: cookies go only over
# HTTPS, plain HTTP is redirected, and browsers are told (HSTS) to use HTTPS for
# a year, subdomains included. The proxy says which scheme the client used in
# X-Forwarded-Proto (nginx: proxy_set_header X-Forwarded-Proto $scheme); it must
# set it (overwriting what a client sent), or this header could be forged.
SECURE = _env_bool("SECURE_COOKIES")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Health probes from the proxy or a load balancer come over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading puts the domain into every browser's list, which is slow to undo;
    # it is the domain owner's decision (SECURE_HSTS_PRELOAD=1), so its check
    # (security.W021: "preload is not set") is silenced while it is off.
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Language, time -------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Background work ------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Imports (core.tabular.limits) ----------------------------------------
# Up to JAHESH_IMPORT_SYNC_ROWS rows an import answers in its request; a larger
# file runs on the task worker (202 + a job to poll). The other three refuse a
# file before it is parsed: its rows, what a workbook unpacks to, and how far one
# of its members may expand (a decompression bomb expands ~1,000×, real sheets ~10×).
JAHESH_IMPORT_SYNC_ROWS = int(os.environ.get("JAHESH_IMPORT_SYNC_ROWS", "5000"))
JAHESH_IMPORT_MAX_ROWS = int(os.environ.get("JAHESH_IMPORT_MAX_ROWS", "500000"))
JAHESH_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("JAHESH_IMPORT_MAX_UNPACKED_BYTES", str(256 * 1024 * 1024))
)
JAHESH_IMPORT_MAX_RATIO = int(os.environ.get("JAHESH_IMPORT_MAX_RATIO", "100"))
# --- Cache ----------------------------------------------------------------
# Cached figures carry the data version in their keys (reports.facts.data_version),
# so a per-process cache stays correct with several servers; Redis shares them.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": "jahesh"}
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}  # fmt: skip

# --- Jahesh ---------------------------------------------------------------
# Display unit of money (stored amounts are always integer rials). A
# redenomination of the rial is legislated; change the unit here, not in code.
JAHESH_MONEY_UNIT = os.environ.get("JAHESH_MONEY_UNIT", "toman")
# The dashboard's figures come from the analytics table (reports.facts); the cache
# spares even that read for a minute.
JAHESH_DASHBOARD_CACHE_SECONDS = int(os.environ.get("JAHESH_DASHBOARD_CACHE_SECONDS", "60"))
JAHESH_DEMO_PASSWORD = "jahesh-demo"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Field work (units' field app, visit plan, map) ---------------------------
# A visit whose phone position is farther than this from the unit's stored
# coordinates is flagged for the supervisor.
JAHESH_VISIT_FAR_M = int(os.environ.get("JAHESH_VISIT_FAR_M", "500"))
# How often a unit is due for a visit by its risk level (units.selectors.visits_due).
JAHESH_VISIT_EVERY_HIGH_DAYS = int(os.environ.get("JAHESH_VISIT_EVERY_HIGH_DAYS", "30"))
JAHESH_VISIT_EVERY_WATCH_DAYS = int(os.environ.get("JAHESH_VISIT_EVERY_WATCH_DAYS", "91"))
JAHESH_VISIT_EVERY_LOW_DAYS = int(os.environ.get("JAHESH_VISIT_EVERY_LOW_DAYS", "365"))
# The map's tile server ({z}/{x}/{y} template); empty: markers on a plain background.
# Its origin joins the Content-Security-Policy's img-src (core/csp.py).
JAHESH_MAP_TILE_URL = os.environ.get("JAHESH_MAP_TILE_URL", "")
