"""Settings, all from environment variables with defaults that need no other server.

Defaults: SQLite (WAL) under ./var/, huey on SQLite, console e-mail.
DATABASE_URL=postgres://... switches to PostgreSQL (psycopg 3); REDIS_URL switches huey to Redis.
"""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ATTT_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ATTT_DEBUG", False)
SECRET_KEY = os.environ.get("ATTT_SECRET_KEY", "")
if not SECRET_KEY:
    # A stable per-installation key so sessions survive restarts without configuration.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ATTT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("ATTT_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "huey.contrib.djhuey",
    "attt.tenancy",
    "attt.inventory",
    "attt.levels",
    "attt.obligations",
    "attt.scans",
    "attt.incidents",
    "attt.readiness",
    "attt.public",
    "attt.reports",
    "attt.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "attt.tenancy.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "attt.urls"
WSGI_APPLICATION = "attt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "attt.tenancy.context.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ATTT_SQLITE_PATH", str(VAR_DIR / "attt.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN
                # so two writers never both read the same audit-chain head.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Task queue -----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "attt", "url": REDIS_URL, "immediate": False, "utc": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "attt",
        "filename": os.environ.get("ATTT_HUEY_PATH", str(VAR_DIR / "huey.sqlite3")),
        "immediate": env_bool("ATTT_HUEY_IMMEDIATE", False),
        # Periodic tasks are written in local time (TIME_ZONE, which Django exports as TZ): 01:30 is
        # 01:30 in Hà Nội, not in UTC.
        "utc": False,
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["attt.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

# --- Static and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from finders, but expects the folder
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # attt itself is not an app: its CSS and htmx live here
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ATTT_IMPORT_MAX_BYTES = int(os.environ.get("ATTT_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# Scanner reports stream to disk (never whole into memory); larger uploads are refused.
ATTT_SCAN_MAX_BYTES = int(os.environ.get("ATTT_SCAN_MAX_BYTES", 2 * 1024 ** 3))

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("ATTT_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("ATTT_EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("ATTT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ATTT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ATTT_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("ATTT_EMAIL_FROM", "attt@localhost")
# Days a duty may stay overdue before the supervising organisation is told (obligations/reminders.py).
ATTT_ESCALATION_DAYS = int(os.environ.get("ATTT_ESCALATION_DAYS", 14))
# The address people reach ATTT at, for links in e-mails sent by background jobs.
ATTT_BASE_URL = os.environ.get("ATTT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "attt.tenancy.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ATTT API",
    "DESCRIPTION": "Organisations, access, audit log and information-system inventory. "
    "Every list and detail is scoped to the caller's organisation subtree.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ATTT_LOG_LEVEL", "WARNING")},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Customer warning campaigns (public room) -------------------------------------------------
# Messages per minute a campaign sends (0: no limit), customers per batch (one mail connection
# each), attempts per customer before it is marked failed, first retry delay (doubles each time),
# minutes without a sign of life after which a sending run counts as dead and is restarted.
ATTT_WARNING_RATE_PER_MINUTE = int(os.environ.get("ATTT_WARNING_RATE_PER_MINUTE", 120))
ATTT_WARNING_BATCH = int(os.environ.get("ATTT_WARNING_BATCH", 50))
ATTT_WARNING_MAX_ATTEMPTS = int(os.environ.get("ATTT_WARNING_MAX_ATTEMPTS", 3))
ATTT_WARNING_RETRY_SECONDS = int(os.environ.get("ATTT_WARNING_RETRY_SECONDS", 60))
ATTT_WARNING_STALE_MINUTES = int(os.environ.get("ATTT_WARNING_STALE_MINUTES", 10))
ATTT_WARNING_MAX_RECIPIENTS = int(os.environ.get("ATTT_WARNING_MAX_RECIPIENTS", 500_000))
ATTT_WARNING_AUDIENCE_MAX_BYTES = int(os.environ.get("ATTT_WARNING_AUDIENCE_MAX_BYTES", 50 * 1024 * 1024))

# --- Public contacts, security.txt and the intake form (public/services_contact.py, intake.py) ---
# Where the public reaches ATTT (https, for security.txt links); empty: the request's host.
ATTT_PUBLIC_BASE_URL = os.environ.get("ATTT_PUBLIC_BASE_URL", "").rstrip("/")
ATTT_SECURITY_TXT_DAYS = int(os.environ.get("ATTT_SECURITY_TXT_DAYS", 180))  # Expires: now + days (< 1 year)
ATTT_INTAKE_PER_ADDRESS_PER_HOUR = int(os.environ.get("ATTT_INTAKE_PER_ADDRESS_PER_HOUR", 5))
ATTT_INTAKE_PER_ORGANISATION_PER_DAY = int(os.environ.get("ATTT_INTAKE_PER_ORGANISATION_PER_DAY", 50))
ATTT_INTAKE_MIN_FILL_SECONDS = float(os.environ.get("ATTT_INTAKE_MIN_FILL_SECONDS", 3))
ATTT_INTAKE_FORM_MAX_AGE_HOURS = float(os.environ.get("ATTT_INTAKE_FORM_MAX_AGE_HOURS", 12))
ATTT_INTAKE_MAX_FILES = int(os.environ.get("ATTT_INTAKE_MAX_FILES", 3))
ATTT_INTAKE_MAX_FILE_MB = int(os.environ.get("ATTT_INTAKE_MAX_FILE_MB", 5))
