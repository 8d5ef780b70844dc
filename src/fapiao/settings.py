"""Django settings. Every knob comes from a FAPIAO_* variable documented in config.py."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

from fapiao.config import data_dir, env, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent
# What this process creates (the SQLite database and its journal, logs, mail files, locks)
# is its owner's alone: invoices hold tax ids, bank accounts and personal names.
os.umask(0o077)
DATA_DIR = data_dir()


def _secret_key() -> str:
    configured = env("FAPIAO_SECRET_KEY")
    if configured:
        return configured
    # One key per data folder, so sessions survive restarts and instances stay apart.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written private (mkstemp: 0600) and linked into place whole: two processes starting
        # at once both keep the first one's key, and nobody else ever reads it.
        fd, draft = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        os.unlink(draft)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FAPIAO_DEBUG")
ALLOWED_HOSTS = env_list("FAPIAO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("FAPIAO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The Django admin, for the installation's operator only (fapiao.accounts.admin_site).
    "fapiao.accounts.admin_config.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its Swagger UI from its own static files instead of a CDN (CSP: 'self')
    "csp",
    "django_tasks",
    "django_tasks_db",
    "fapiao.accounts",
    "fapiao.invoices",
    "fapiao.review",
    "fapiao.notify",
    "fapiao.lookup",
    "fapiao.analytics",
    "fapiao.feedback",
    "fapiao.orgadmin",
    "fapiao.web",
]

MIDDLEWARE = [
    "fapiao.web.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "fapiao.web.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The organisation's pages are its members': the operator works in the admin.
    "fapiao.web.members_only.MembersOnlyMiddleware",
    "fapiao.lookup.maintenance.MaintenanceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fapiao.web.middleware.FapiaoErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fapiao.urls"
WSGI_APPLICATION = "fapiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fapiao.web.nav.navigation",
                "fapiao.notify.context.unread_badge",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env("FAPIAO_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fapiao.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers. Each request opens
        # a new connection with an empty page cache: memory-mapping the file lets it read
        # pages straight from the OS cache (lists at a million rows ~1.5x faster).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA mmap_size=1073741824;"
            ),
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "invoice-list"
LOGOUT_REDIRECT_URL = "login"
LOGIN_MAX_FAILURES = env_int("FAPIAO_LOGIN_MAX_FAILURES", minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("FAPIAO_LOGIN_LOCKOUT_MINUTES", minimum=1)
LOGIN_ADDRESS_MAX_FAILURES = env_int("FAPIAO_LOGIN_ADDRESS_MAX_FAILURES", minimum=1)
API_TOKEN_DAYS = env_int("FAPIAO_API_TOKEN_DAYS", minimum=1, maximum=365)
# Reverse proxies whose forwarded headers are believed (fapiao.web.proxies).
TRUSTED_PROXIES = env_list("FAPIAO_TRUSTED_PROXIES")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No page of Fapiao is ever meant to be shown inside a frame (clickjacking).
X_FRAME_OPTIONS = "DENY"

# Served over HTTPS (directly or by a reverse proxy): cookies only over HTTPS, browsers told
# to use nothing else (HSTS), plain HTTP redirected. `check --deploy` is clean with it on.
HTTPS = env_bool("FAPIAO_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("FAPIAO_HSTS_SECONDS", minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The directive alone; a domain joins browsers' preload list only when its owner submits it.
SECURE_HSTS_PRELOAD = HTTPS
# A proxy that terminates TLS says so in X-Forwarded-Proto; fapiao.web.proxies removes that
# header from any peer that is not a trusted proxy, so a client cannot claim HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

# Scripts, styles, images and fonts from this site only: no inline script or style, no
# eval (htmx's hx-on is not used), nothing from a CDN (htmx, ECharts and the API docs'
# Swagger UI are served from static files). Charts draw on canvas; ECharts' tooltips are
# rendered on the canvas too (analytics/dashboard.js), so style-src needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses are switched off; the scan page's camera is this site's.
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), display-capture=()"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env("FAPIAO_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Whitenoise serves from the app folders (USE_FINDERS); the root only has to exist.
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = DATA_DIR / "originals"
# Django's storage sets these modes on what it saves (0644 by default, whatever the umask).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAX_UPLOAD_BYTES = env_int("FAPIAO_MAX_UPLOAD_MB") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
PAGE_SIZE = env_int("FAPIAO_PAGE_SIZE", maximum=500)

# Notification email (fapiao.notify): SMTP when a host is set, otherwise one file per
# message under the data folder (printing them would bury the server's own output).
EMAIL_HOST = env("FAPIAO_SMTP_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "sent-mail"
EMAIL_PORT = env_int("FAPIAO_SMTP_PORT")
EMAIL_HOST_USER = env("FAPIAO_SMTP_USER")
EMAIL_HOST_PASSWORD = env("FAPIAO_SMTP_PASSWORD")
EMAIL_USE_SSL = env("FAPIAO_SMTP_TLS").strip().lower() == "ssl"
EMAIL_USE_TLS = not EMAIL_USE_SSL and env_bool("FAPIAO_SMTP_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("FAPIAO_SMTP_FROM")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOG_DIR = DATA_DIR / "logs"
LOG_DIR.mkdir(exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every line written anywhere passes this mask first (tax ids, id numbers, accounts).
    "filters": {"personal_data": {"()": "fapiao.logmask.MaskPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(LOG_DIR / "fapiao.log"),
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "plain",
            "encoding": "utf-8",
            "filters": ["personal_data"],
        },
    },
    "loggers": {
        "fapiao": {"handlers": ["console", "file"], "level": env("FAPIAO_LOG_LEVEL")},
        "django_tasks_db": {"handlers": ["console", "file"], "level": "INFO"},
        # Django's own errors (a 500's traceback) reach the same, masked, handlers.
        "django": {"handlers": ["console", "file"], "level": "ERROR"},
    },
}

AUTHENTICATION_BACKENDS = ["fapiao.accounts.throttle.ThrottledModelBackend"]
