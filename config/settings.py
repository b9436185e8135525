"""Beacon's one settings file, driven by environment variables (see docs/configuration.md).

BEACON_ENV selects the profile: "development" (default), "demo" or "production". Production
differs from the others only through what is read here, never through another file.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

BEACON_ENV = env_str("BEACON_ENV", "development").strip().lower()
if BEACON_ENV not in {"development", "demo", "production"}:
    raise ImproperlyConfigured(
        f"BEACON_ENV must be development, demo or production, not {BEACON_ENV!r}"
    )
PRODUCTION = BEACON_ENV == "production"

# Where the embedded database, the development secret key and uploaded files live.
DATA_DIR = Path(
    env_str("BEACON_DATA_DIR") or platformdirs.user_data_path("beacon", appauthor=False)
).expanduser()


def _development_secret_key() -> str:
    """A per-machine key kept in the data directory, so sessions and the audit chain survive
    restarts of the demo. Never used in production."""
    path = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError:
        return secrets.token_urlsafe(50)


SECRET_KEY = env_str("BEACON_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "BEACON_SECRET_KEY is not set. Production refuses to start without it: generate one "
            "with `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = _development_secret_key()

# The audit chain's HMAC key. It is never stored in the database; without its own variable it is
# derived from the secret key (docs/audit.md explains rotation).
BEACON_AUDIT_KEY = env_str("BEACON_AUDIT_KEY")

DEBUG = env_bool("BEACON_DEBUG", False) and not PRODUCTION

if PRODUCTION:
    ALLOWED_HOSTS = env_list("BEACON_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("BEACON_ALLOWED_HOSTS must list the host names Beacon serves.")
else:
    ALLOWED_HOSTS = env_list(
        "BEACON_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "beacon.core",
    "beacon.audit",
    "beacon.accounts",
    "beacon.organizations",
    "beacon.participants",
    "beacon.consents",
    "beacon.encounters",
    "beacon.notifications",
    "beacon.crisis",
    "beacon.checkins",
    "beacon.messaging",
    "beacon.plans",
    "beacon.assessments",
    "beacon.directory",
    "beacon.referrals",
    "beacon.findhelp",
    "beacon.peerrequests",
    "beacon.supervision",
    "beacon.groups",
    "beacon.meetings",
    "beacon.matching",
    "beacon.programs",
    "beacon.billing",
    "beacon.reports",
    "beacon.myday",
    "beacon.portal",
    "beacon.public",
    "beacon.workforce",
    "beacon.learn",
    "beacon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers every response carries, including redirects made by the middleware below.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "beacon.core.middleware.NoStoreMiddleware",
    "beacon.audit.context.AuditContextMiddleware",
    # Writes each participant read of the request once, when the answer showed it.
    "beacon.audit.reads.ParticipantReadsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "beacon.organizations.middleware.CurrentMembershipMiddleware",
    "beacon.accounts.middleware.SessionPolicyMiddleware",
    "beacon.core.access.RefusalAuditMiddleware",
    "beacon.accounts.middleware.SignInRequiredMiddleware",
    "beacon.accounts.middleware.MfaEnrolmentMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: an API write with an Idempotency-Key runs in one transaction with its record.
    "beacon.api.idempotency.IdempotencyMiddleware",
    # A full disk: 503 and a plain message (before the idempotency record, so it is not kept).
    "beacon.core.middleware.StorageProblemMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "beacon" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beacon.core.context_processors.beacon",
                "beacon.notifications.context_processors.unread_notifications",
            ],
        },
    },
]
# Django's form renderer, with drop-down lists written out in Python (the same HTML, faster).
FORM_RENDERER = "beacon.core.rendering.FormRenderer"

# Database: SQLite in the data directory unless DATABASE_URL names another (PostgreSQL).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("BEACON_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's planner prices a random page read at 4 sequential ones by default (for
        # spinning disks). Beacon's working set sits in memory or on SSD, where 1.1 is the
        # usual setting; with 4 it hash-joins whole tables for one organization's rows (the
        # supervisor's My day: 30 ms of SQL at state scale, 14 ms with 1.1). Sent as a startup
        # option of each connection, so no round trip; empty keeps the server's own setting.
        _page_cost = env_float("BEACON_PG_RANDOM_PAGE_COST", 1.1)
        if _page_cost is not None:
            _options = DATABASES["default"].setdefault("OPTIONS", {})
            _options["options"] = " ".join(
                part
                for part in (_options.get("options", ""), f"-c random_page_cost={_page_cost}")
                if part
            )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "beacon.sqlite3",
            "OPTIONS": {
                # Writers take the lock when their transaction begins, so two writers never
                # deadlock upgrading a read lock; WAL lets readers go on while one writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
            # Each worker keeps its connection: the WAL and shared-memory files then stay open
            # instead of being created again for each request (which a full disk would refuse,
            # stopping even reads).
            "CONN_MAX_AGE": env_int("BEACON_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file too, not Django's shared in-memory database: concurrent writers
            # then wait for the lock as they do in production instead of failing at once.
            # One file per test process, so runs side by side never share one.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"beacon-test-{os.getpid()}.sqlite3")
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out email and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Sign-in lockout: after N failures for one email from one address, refuse for M minutes.
BEACON_LOCKOUT_ATTEMPTS = env_int("BEACON_LOCKOUT_ATTEMPTS", 5, minimum=1)
BEACON_LOCKOUT_MINUTES = env_int("BEACON_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = BEACON_LOCKOUT_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(minutes=BEACON_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "beacon.accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "beacon.core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "beacon.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Sessions: server-side, ended after idle minutes (per organization, this is the default) and
# after a fixed number of hours whatever the activity.
SESSION_ENGINE = "beacon.core.sessions"
BEACON_SESSION_IDLE_MINUTES = env_int("BEACON_SESSION_IDLE_MINUTES", 30, minimum=1)
BEACON_SESSION_MAX_HOURS = env_int("BEACON_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = BEACON_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "beacon_session"
CSRF_COOKIE_NAME = "beacon_csrftoken"
CSRF_FAILURE_VIEW = "beacon.core.errors.csrf_failure"

# Address of the person on the other end: REMOTE_ADDR unless Beacon runs behind this many
# trusted proxies that append to X-Forwarded-For.
BEACON_TRUSTED_PROXY_COUNT = env_int("BEACON_TRUSTED_PROXY_COUNT", 0)

# Rate limits per address (the one above) on what is open without signing in, counted in the
# database so they hold across worker processes and servers; 0 turns one off. The directory API
# and Find Help's searches: requests a minute. Find Help's public forms: sends in 10 minutes.
BEACON_RATE_LIMIT_PUBLIC_API = env_int("BEACON_RATE_LIMIT_PUBLIC_API", 60)
BEACON_RATE_LIMIT_PUBLIC_FORMS = env_int("BEACON_RATE_LIMIT_PUBLIC_FORMS", 5)
# Talk to a peer (/talk-to-a-peer/, docs/public-site.md): requests sent in 10 minutes.
BEACON_RATE_LIMIT_PEER_REQUESTS = env_int("BEACON_RATE_LIMIT_PEER_REQUESTS", 5)
# Where a Talk to a peer request goes when no organization serves the person's ZIP code: an
# organization's id ("" for none; then the only organization taking requests, if one).
BEACON_PEER_REQUESTS_DEFAULT_ORGANIZATION = env_str("BEACON_PEER_REQUESTS_DEFAULT_ORGANIZATION")
# The SPARS CSV column mapping (docs/reports.md): a TOML file replacing the shipped
# beacon/programs/data/spars_columns.toml when SAMHSA publishes a new codebook.
BEACON_SPARS_COLUMNS = env_str("BEACON_SPARS_COLUMNS")
# Joining one's own Beacon with an in-person code (/my/join/, docs/portal.md): tries of a code
# per address, and per code typed (from any address), every 10 minutes.
BEACON_RATE_LIMIT_JOIN_CODES = env_int("BEACON_RATE_LIMIT_JOIN_CODES", 10)
BEACON_RATE_LIMIT_JOIN_SAME_CODE = env_int("BEACON_RATE_LIMIT_JOIN_SAME_CODE", 5)

# Passkeys (WebAuthn; beacon/accounts/passkeys.py, docs/configuration.md). The relying party ID
# is the host name passkeys belong to: "localhost" for development and the demo, else the first
# allowed host. The origins a passkey may be used from: empty means this Beacon's own address
# as the browser reached it, when its host is the relying party ID or under it.
BEACON_WEBAUTHN_RP_ID = env_str(
    "BEACON_WEBAUTHN_RP_ID",
    ALLOWED_HOSTS[0].lstrip(".") if BEACON_ENV == "production" else "localhost",
)
BEACON_WEBAUTHN_RP_NAME = env_str("BEACON_WEBAUTHN_RP_NAME", "Beacon")
BEACON_WEBAUTHN_ORIGINS = env_list("BEACON_WEBAUTHN_ORIGINS", [])

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("BEACON_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("BEACON_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BEACON_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("BEACON_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEACON_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("BEACON_CSRF_TRUSTED_ORIGINS")

# Email: SMTP when BEACON_EMAIL_HOST is set; otherwise the console in development, and in the
# demo a line on the console per message with the message written to a file.
EMAIL_HOST = env_str("BEACON_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("BEACON_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("BEACON_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("BEACON_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("BEACON_EMAIL_USE_TLS", True)
elif BEACON_ENV == "demo":
    # One line on the console per message; the message itself in DATA_DIR/demo-mail/.
    EMAIL_BACKEND = "beacon.ops.demo_mail.DemoEmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds one try at sending waits for the mail server. Email is sent by `beacon worker`, never by
# a page, and a failed try is tried again later (beacon/core/mail.py).
EMAIL_TIMEOUT = env_int("BEACON_EMAIL_TIMEOUT", 10, minimum=1)
# Beacon's public address, for links in email sent outside a request (the demo, commands);
# `beacon demo` sets it to its own address (http://127.0.0.1:8000) unless it is set already.
BEACON_SITE_URL = env_str("BEACON_SITE_URL").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("BEACON_DEFAULT_FROM_EMAIL", "Beacon <beacon@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Internationalization: every user-facing string is marked for translation.
LANGUAGE_CODE = "en-us"
# Only languages with a complete translation are offered (a page must never claim a language
# it is not written in: screen readers choose their voice from it).
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "beacon" / "locale"]
TIME_ZONE = env_str("BEACON_TIME_ZONE", "America/New_York")
# One way of writing dates and one of date-times on every page: "Dec 7, 2026" and
# "Dec 7, 2026, 3:05 p.m." (config/formats/en/formats.py, which Django prefers to its own English
# formats; the settings below only serve a language that has no format module at all).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_FORMAT = SHORT_DATE_FORMAT = "M j, Y"
TIME_FORMAT = "P"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "M j, Y, P"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's destination, for production; development and the demo serve from the apps.
STATIC_ROOT = Path(env_str("BEACON_STATIC_ROOT") or DATA_DIR / "static") if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if not PRODUCTION:
    # The demo and development serve static files straight from the package, no collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

# Background tasks (email, large directory imports): queued in the database, run by `beacon worker`,
# so no other server is needed (docs/directory-imports.md).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # "mail" apart, so `beacon worker --queue mail` can send email while an import runs.
        "QUEUES": ["default", "mail"],
    }
}
# Uploaded directory imports are kept here, one folder per import.
BEACON_IMPORTS_DIR = Path(env_str("BEACON_IMPORTS_DIR") or DATA_DIR / "imports").expanduser()
# The largest directory import file accepted (a .zip or .json upload), in megabytes; a .zip may
# unpack to at most ten times this.
BEACON_IMPORT_MAX_MB = env_int("BEACON_IMPORT_MAX_MB", 200, minimum=1)
# A running import whose worker has given no sign of life (a heartbeat beside its file, every few
# seconds) for this many seconds is shown as failed: the worker was stopped or the machine went
# down, and nothing of the import was saved. It can then be tried again.
BEACON_IMPORT_WORKER_TIMEOUT = env_int("BEACON_IMPORT_WORKER_TIMEOUT", 120, minimum=10)

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BEACON_LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "ERROR"}},  # Beacon audits sign-ins itself
}

# Silenced system checks, each with its reason.
SILENCED_SYSTEM_CHECKS: list[str] = []
