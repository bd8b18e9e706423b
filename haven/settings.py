"""Haven's settings: everything that differs between deployments comes from HAVEN_* variables.

Each variable is listed, with its default, in .env.example. A bad value stops start-up with a
message naming the variable.
"""

import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from django.utils.translation import get_language

from haven.lib.env import (
    development_secret,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    new_encryption_key,
    parse_encryption_keys,
    replica_database,
)
from haven.lib.vocabulary import (
    ASEAN,
    country_codes,
    country_name,
    default_language_code,
    django_languages,
    language_codes,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = env_bool("HAVEN_DEBUG", False)
DATA_DIR = Path(os.environ.get("HAVEN_DATA_DIR") or BASE_DIR / "var").resolve()

# Secrets: generated once into var/ for development; production must be given real ones.
SECRET_KEY = os.environ.get("HAVEN_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "HAVEN_SECRET_KEY: must be set when HAVEN_DEBUG is off (50 or more random characters)."
        )
    SECRET_KEY = development_secret(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(50))
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("HAVEN_SECRET_KEY: must be at least 50 characters long.")

_encryption_keys = os.environ.get("HAVEN_ENCRYPTION_KEYS", "").strip()
if not _encryption_keys:
    if not DEBUG:
        raise ImproperlyConfigured(
            "HAVEN_ENCRYPTION_KEYS: must be set when HAVEN_DEBUG is off "
            "(see .env.example for the format and how to make a key)."
        )
    _encryption_keys = development_secret(
        DATA_DIR / "encryption_keys", lambda: new_encryption_key("dev1")
    )
HAVEN_ENCRYPTION_KEYS = parse_encryption_keys("HAVEN_ENCRYPTION_KEYS", _encryption_keys)

# HMAC keys for the audit chain, as ID:BASE64 pairs: the first signs new events, all verify. They
# must not be in the database, or whoever can write it could recompute the chain.
_audit_keys = os.environ.get("HAVEN_AUDIT_KEY", "").strip()
if not _audit_keys:
    if not DEBUG:
        raise ImproperlyConfigured(
            "HAVEN_AUDIT_KEY: must be set when HAVEN_DEBUG is off "
            "(same format as HAVEN_ENCRYPTION_KEYS, see .env.example)."
        )
    _audit_keys = development_secret(DATA_DIR / "audit_key", lambda: new_encryption_key("a1"))
HAVEN_AUDIT_KEY = parse_encryption_keys("HAVEN_AUDIT_KEY", _audit_keys)
# Where `haven anchor_audit` writes the chain's head: an append-only file, a log line on the
# "haven.audit.anchor" logger (for a central log collector), or both.
HAVEN_AUDIT_ANCHOR = env_choice("HAVEN_AUDIT_ANCHOR", "file", ["file", "log", "both"])
HAVEN_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("HAVEN_AUDIT_ANCHOR_FILE", "").strip() or DATA_DIR / "audit-anchors.log"
)

# Backups (`haven backup`, `haven restore`): an age recipient (age1..., enough to make backups)
# or identity (AGE-SECRET-KEY-1..., needed to restore). Keep the identity away from the server.
HAVEN_BACKUP_KEY = os.environ.get("HAVEN_BACKUP_KEY", "").strip()
if HAVEN_BACKUP_KEY and not HAVEN_BACKUP_KEY.startswith(("age1", "AGE-SECRET-KEY-1")):
    raise ImproperlyConfigured(
        "HAVEN_BACKUP_KEY: must be an age public key (age1...) or secret key (AGE-SECRET-KEY-1...)."
    )

# Salt for receipt hashes: separate from the secret key, so rotating that never breaks receipts.
HAVEN_RECEIPT_SALT = os.environ.get("HAVEN_RECEIPT_SALT", "").strip()
if not HAVEN_RECEIPT_SALT:
    if not DEBUG:
        raise ImproperlyConfigured(
            "HAVEN_RECEIPT_SALT: must be set when HAVEN_DEBUG is off (32 or more random characters)."
        )
    HAVEN_RECEIPT_SALT = development_secret(
        DATA_DIR / "receipt_salt", lambda: secrets.token_hex(32)
    )
elif len(HAVEN_RECEIPT_SALT) < 32:
    raise ImproperlyConfigured("HAVEN_RECEIPT_SALT: must be at least 32 characters long.")

ALLOWED_HOSTS = env_list(
    "HAVEN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "HAVEN_ALLOWED_HOSTS: must list the host names Haven answers to when HAVEN_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("HAVEN_CSRF_TRUSTED_ORIGINS", [])

# Database: the embedded SQLite file by default, PostgreSQL for production.
_database_url = os.environ.get("HAVEN_DATABASE_URL", "").strip() or (
    f"sqlite:///{DATA_DIR / 'haven.sqlite3'}"
)
try:
    _database = dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("HAVEN_DATABASE_CONN_MAX_AGE", 60, minimum=0, maximum=3600),
        conn_health_checks=True,
    )
except Exception as error:  # dj-database-url raises several kinds for bad URLs
    raise ImproperlyConfigured(f"HAVEN_DATABASE_URL: cannot be read ({error}).") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }
    # Tests use a file too: an in-memory database locks differently from the real thing. The
    # process id keeps two test runs on one machine apart.
    _database["TEST"] = {"NAME": str(DATA_DIR / f"test-haven-{os.getpid()}.sqlite3")}
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling costs 100-300 ms on the first run of a big query plan (a page of a million
    # cases), more than the query itself: web pages are short queries, so it is off.
    _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # The process id keeps two test runs against one server apart.
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{os.getpid()}"}
else:
    raise ImproperlyConfigured(
        "HAVEN_DATABASE_URL: only sqlite:/// and postgresql:// databases are supported."
    )
DATABASES = {"default": _database}
# A streaming replica for statistics reads (docs/scaling.md); every write goes to "default".
_replica = replica_database(_database)
if _replica:
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["haven.lib.replica.StatisticsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "haven.admin_site.HavenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_countries",
    "django.contrib.postgres",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "haven.lib",
    "haven.jobs",
    "haven.accounts",
    "haven.audit",
    "haven.notifications",
    "haven.hub",
    "haven.reports",
    "haven.screening",
    "haven.cases",
    "haven.exchange",
    "haven.stats",
    "haven.federation",
    "haven.participation",
    "haven.workspace",
    "haven.demo",
]

MIDDLEWARE = [
    "haven.lib.metrics.metrics_middleware",
    "haven.middleware.forget_client_middleware",
    "django.middleware.security.SecurityMiddleware",
    "haven.middleware.security_headers_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "haven.middleware.request_limits_middleware",
    "haven.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "haven.urls"
WSGI_APPLICATION = "haven.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haven.context_processors.languages",
                "haven.context_processors.quick_exit",
                "haven.notifications.context_processors.notifications",
            ],
        },
    },
]

# Accounts: argon2id passwords, two-factor, lockout, idle timeout.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
OTP_TOTP_ISSUER = "Haven"

HAVEN_SESSION_IDLE_MINUTES = env_int("HAVEN_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=1440)
SESSION_COOKIE_NAME = "haven_session"
SESSION_COOKIE_AGE = HAVEN_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # each request pushes the expiry: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_AGE = None  # ends with the browser session
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "haven.views.csrf_failure"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("HAVEN_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
)
# Locked by username AND client together: a stranger's failures lock only the stranger, not the
# member signing in from elsewhere. Failures by username alone slow down instead
# (haven.accounts.throttle), so guessing from many clients stays slow.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "haven.middleware.client_key_for_lockout"
AXES_LOCKOUT_CALLABLE = "haven.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "csrfmiddlewaretoken", "next"]
# People type passwords into the username field: axes keeps only an HMAC of what was typed.
AXES_USERNAME_CALLABLE = "haven.accounts.signals.username_for_lockout"
# The "address" axes keeps is request.client_key (a daily HMAC of the address), never the address.
# HSTS for subdomains and preloading commit other hosts of the domain; leave it to the operator's
# proxy, which can add them.
# W003: CSRF protection is on, through haven.middleware.CsrfViewMiddleware (Django's, subclassed).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W003", "security.W005", "security.W021"]

# HTTPS and headers. Behind a proxy, the proxy must set X-Forwarded-Proto.
HAVEN_HTTPS = env_bool("HAVEN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HAVEN_HTTPS
SECURE_SSL_REDIRECT = HAVEN_HTTPS
# Checked and scraped on the web process's own address, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000 if HAVEN_HTTPS else 0
if env_bool("HAVEN_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields; files are limited separately
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# The country this deployment serves first: its help page is the home page's "Get help now".
HAVEN_COUNTRY = env_choice("HAVEN_COUNTRY", "VN", list(ASEAN))

# Every country select (django-countries) shows Haven's names, in the page's language: one list
# for pages, forms and exports, without the duplicates of the package's Vietnamese catalogue.
COUNTRIES_OVERRIDE = {
    code: lazy(lambda code=code: country_name(code, get_language() or "en"), str)()
    for code in country_codes()
}
# Phone numbers written without a country code are read as numbers of this country (ISO 3166).
HAVEN_PHONE_REGION = env_choice("HAVEN_PHONE_REGION", "VN", list(country_codes()))

# Anonymous reports.
HAVEN_REPORT_RETENTION_DAYS = env_int("HAVEN_REPORT_RETENTION_DAYS", 90, minimum=8, maximum=3650)
# Organisation (by name) that receives reports when none receives them for the country given.
HAVEN_REPORT_FALLBACK_ORGANISATION = os.environ.get(
    "HAVEN_REPORT_FALLBACK_ORGANISATION", ""
).strip()
# Per visitor (keyed by an HMAC of the address under a daily key held only in the cache).
HAVEN_REPORTS_PER_HOUR = env_int("HAVEN_REPORTS_PER_HOUR", 10, minimum=1, maximum=1_000_000)
HAVEN_MAX_ATTACHMENTS = env_int("HAVEN_MAX_ATTACHMENTS", 5, minimum=0, maximum=20)
HAVEN_ATTACHMENT_MAX_MB = env_int("HAVEN_ATTACHMENT_MAX_MB", 10, minimum=1, maximum=50)
# Uploaded files stay in memory and are encrypted before storage: never a clear copy on disk.
FILE_UPLOAD_HANDLERS = ["haven.lib.upload_handlers.MemoryOnlyUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = max(HAVEN_MAX_ATTACHMENTS, 1)

# Published statistics: differential-privacy budget per figure (0: no noise, small cells hidden).
HAVEN_STATS_EPSILON = env_float("HAVEN_STATS_EPSILON", 0.0, minimum=0.0, maximum=10.0)

# Background jobs: rows in this database (django-tasks-db), run by `haven worker`. A job
# enqueued inside a transaction is written by it, so it exists exactly when the change does.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Periodic jobs: `haven worker` enqueues each once per period (periods counted from
# 1970-01-01 00:00 UTC), whatever the number of workers. Name: (task path, seconds).
HAVEN_PERIODIC_JOBS = {
    "purge_expired_reports": ("haven.reports.tasks.purge_expired_reports_job", 24 * 3600),
    "anchor_audit_head": ("haven.audit.tasks.anchor_audit_head_job", 3600),
    "prune_finished_jobs": ("haven.jobs.tasks.prune_finished_jobs", 24 * 3600),
    "notify_overdue_tasks": ("haven.workspace.tasks.notify_overdue_tasks", 3600),
    "send_notification_digests": (
        "haven.notifications.tasks.send_notification_digests",
        24 * 3600,
    ),
    "federation_deliver": ("haven.federation.tasks.deliver_outbox_job", 60),
}

# Federation (docs/federation.md): this deployment's address and name as peers see them.
HAVEN_PUBLIC_URL = (
    os.environ.get("HAVEN_PUBLIC_URL", "").strip() or "http://localhost:8000"
).rstrip("/")
HAVEN_FEDERATION_NAME = os.environ.get("HAVEN_FEDERATION_NAME", "").strip() or "Haven"

# Metrics at /metrics for Prometheus, only with this bearer token (none: the page is a 404).
HAVEN_METRICS_TOKEN = os.environ.get("HAVEN_METRICS_TOKEN", "").strip()
if HAVEN_METRICS_TOKEN and len(HAVEN_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("HAVEN_METRICS_TOKEN: must be at least 32 characters long.")

# Cache: per process by default; several processes need a shared one (redis://...).
_cache_url = os.environ.get("HAVEN_CACHE_URL", "").strip()
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            # Lets several deployments (or test runs) share one Redis without sharing counters.
            "KEY_PREFIX": os.environ.get("HAVEN_CACHE_PREFIX", "").strip() or "haven",
        }
    }
elif _cache_url:
    raise ImproperlyConfigured("HAVEN_CACHE_URL: only redis:// or rediss:// URLs are supported.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail: notifications say only that something arrived, never what.
EMAIL_HOST = os.environ.get("HAVEN_SMTP_HOST", "localhost").strip()
if not EMAIL_HOST:  # set empty on purpose: no e-mail at all
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_PORT = env_int("HAVEN_SMTP_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("HAVEN_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HAVEN_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HAVEN_SMTP_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("HAVEN_FROM_EMAIL", "").strip() or "haven@localhost"
HAVEN_SITE_URL = os.environ.get("HAVEN_SITE_URL", "").strip().rstrip("/") or "http://127.0.0.1:8000"
# Where "Quick exit" takes a visitor who must hide the site at once: a neutral page that looks
# ordinary on anyone's phone. Google's home page is the default because it is on every phone in
# the region and says nothing; a deployment may prefer a local news or weather site.
HAVEN_QUICK_EXIT_URL = (
    os.environ.get("HAVEN_QUICK_EXIT_URL", "").strip() or "https://www.google.com/"
)
if not HAVEN_QUICK_EXIT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("HAVEN_QUICK_EXIT_URL: must be an https:// or http:// address.")

# Languages: the ones in haven/lib/vocabulary (see docs/languages.md); pages live under /<lang>/.
LANGUAGE_CODE = env_choice(
    "HAVEN_DEFAULT_LANGUAGE", default_language_code(), list(language_codes())
)
LANGUAGES = django_languages()
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them (05/12/2026 and 31,2 % in Vietnamese).
FORMAT_MODULE_PATH = ["haven.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("HAVEN_TIME_ZONE", "").strip() or "Asia/Ho_Chi_Minh"
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(f"HAVEN_TIME_ZONE: unknown time zone {TIME_ZONE!r}.")

STATIC_URL = "/static/"
# Development serves files from where they are; production from `haven collectstatic`'s output.
STATIC_ROOT = None if DEBUG else DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Logs go to standard error, with anything that looks like an IP address removed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "haven.lib.logs.ScrubClientDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub"], "formatter": "plain"}
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("HAVEN_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"]),
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # pikepdf says hello at INFO on import; its warnings about damaged PDFs still show.
        "pikepdf": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
