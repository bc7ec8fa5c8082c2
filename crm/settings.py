"""One settings module, read from the environment by the strict helpers in crm.env.

With nothing set it runs on embedded defaults (SQLite and Celery's filesystem transport
under var/, email to the console) so `make run` needs no servers. DATABASE_URL and
CELERY_BROKER_URL switch to PostgreSQL and Redis. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from crm.env import (
    broker_from_url,
    database_from_url,
    env_bool,
    env_email_address,
    env_int,
    env_list,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-dev-only-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "anymail",
    "django_htmx",
    "crm",
    "journeys",
    "followups",
    "care",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.dashboard.access.timezone_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"
ASGI_APPLICATION = "crm.asgi.application"

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
                "crm.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        "DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}", base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The reports' covering index on journeys lists INCLUDE columns only PostgreSQL uses; SQLite
# (the embedded default) builds it without them, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:my_day"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Languages patients may prefer; message templates exist per language, English is the fallback.
PATIENT_LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("de", "German"),
    ("fr", "French"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("tr", "Turkish"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("pl", "Polish"),
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# --- Email -----------------------------------------------------------------------------
# Any Django backend works: console (default), Django's file backend (EMAIL_FILE_PATH is where
# an operator reads mail locally), SMTP, or an anymail ESP backend with its ANYMAIL_* settings.
# Django 6.1's MAILERS replaces the EMAIL_* settings; the environment keeps the familiar names.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mailer_options: dict[str, object] = {}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.filebased.EmailBackend":
    _mailer_options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
elif EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    _mailer_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env_email_address("DEFAULT_FROM_EMAIL", "care@clinic.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_") and value
}

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = broker_from_url("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A real worker and beat with no server: kombu's filesystem transport passes messages
    # through files under var/. Fine for one machine; use Redis in production.
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    # The embedded transport needs its folders before the first message; making them here
    # keeps `make run` free of a separate setup step.
    for _folder in (_queue_dir, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged after it ran, so a worker killed mid-task leaves it to be
# redelivered; the tasks themselves are idempotent (they claim rows with conditional UPDATEs).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}

# --- Logging ---------------------------------------------------------------------------
# Patient data is health data: nothing at INFO carries names, addresses or message bodies.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Production hardening --------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

# --- Follow-ups (timed emails: followups/README.md) ------------------------------------
COMPANY_NAME = env_str("COMPANY_NAME", "Clinic Care")
COMPANY_PHONE = env_str("COMPANY_PHONE", "")
COMPANY_EMERGENCY_PHONE = env_str("COMPANY_EMERGENCY_PHONE", "")
# Replies go to reply+<signed journey token>@INBOUND_DOMAIN; route that domain's mail to
# the inbound webhook or `manage.py receive_email`.
INBOUND_DOMAIN = env_str("INBOUND_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2]).lower()
if "@" in INBOUND_DOMAIN or "." not in INBOUND_DOMAIN:
    raise ImproperlyConfigured(f"INBOUND_DOMAIN={INBOUND_DOMAIN!r} is not a domain name.")
# The satisfaction survey link in templates; {token} is replaced by a signed journey token.
FOLLOWUPS_SURVEY_URL = env_str("FOLLOWUPS_SURVEY_URL", f"{SITE_URL}/survey/{{token}}/")
if "{token}" not in FOLLOWUPS_SURVEY_URL:
    raise ImproperlyConfigured("FOLLOWUPS_SURVEY_URL must contain {token}.")
# The dispatcher (a beat entry) claims due messages every N seconds, at most BATCH_SIZE
# per transaction; claims older than CLAIM_TIMEOUT seconds (a worker died) are returned.
FOLLOWUPS_DISPATCH_INTERVAL = env_int("FOLLOWUPS_DISPATCH_INTERVAL", 30, minimum=1)
FOLLOWUPS_BATCH_SIZE = env_int("FOLLOWUPS_BATCH_SIZE", 100, minimum=1)
FOLLOWUPS_CLAIM_TIMEOUT = env_int("FOLLOWUPS_CLAIM_TIMEOUT", 300, minimum=5)
# Seconds to wait before each retry of a transient send failure; after the last the
# message is marked failed for the coordinator.
try:
    FOLLOWUPS_RETRY_DELAYS = [
        int(v) for v in env_list("FOLLOWUPS_RETRY_DELAYS", ["60", "300", "1800", "7200"])
    ]
except ValueError:
    raise ImproperlyConfigured(
        "FOLLOWUPS_RETRY_DELAYS must be comma-separated seconds, e.g. 60,300,1800."
    ) from None
# An occurrence whose time passed more than this many seconds before it was planned is
# skipped (a T-14 checklist for a trip booked 5 days ahead); a fresher one goes at once.
FOLLOWUPS_STALE_AFTER = env_int("FOLLOWUPS_STALE_AFTER", 12 * 3600, minimum=0)
# Redis redelivers an unacknowledged task after this many seconds. Sends are idempotent,
# so a short value is safe; no task here ever waits in the broker for days.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT
# Celery's Django fixup closes the database connection before and after every task (and,
# with the connection pool under prefork, the pool itself): a short send task would spend
# most of its time connecting. Reuse the connection for up to N tasks; 0 = close every time.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100, minimum=0)
CELERY_BEAT_SCHEDULE["followups-dispatch"] = {
    "task": "followups.tasks.dispatch_due",
    "schedule": float(FOLLOWUPS_DISPATCH_INTERVAL),
    # A tick that waited longer than one interval is superseded by the next one.
    "options": {"expires": float(FOLLOWUPS_DISPATCH_INTERVAL)},
}

# --- Inbound email (patients' replies and new inquiries: followups/README.md) ----------
# Mail to this address from someone who is not a patient yet becomes a new inquiry.
INQUIRY_ADDRESS = env_email_address("INQUIRY_ADDRESS", DEFAULT_FROM_EMAIL).lower()
# Unknown senders to INQUIRY_ADDRESS: 1 = create the patient and an inquiry journey (its
# acknowledgment goes out at once); 0 = put the email in the triage inbox instead.
INQUIRY_AUTO_CREATE = env_bool("INQUIRY_AUTO_CREATE", True)
# The procedure an emailed inquiry is filed under (a journey needs one); 0 = the first
# procedure (lowest id). With no procedure at all the email goes to the triage inbox.
INQUIRY_DEFAULT_PROCEDURE_ID = env_int("INQUIRY_DEFAULT_PROCEDURE_ID", 0, minimum=0)
# Only this ESP's inbound webhook (/anymail/<esp>/inbound/) is accepted; empty = any.
INBOUND_ESP = env_str("INBOUND_ESP", "").lower()
_INBOUND_ESPS = {
    "amazon_ses",
    "brevo",
    "mailersend",
    "mailgun",
    "mailjet",
    "mailtrap",
    "postal",
    "postmark",
    "resend",
    "sendgrid",
    "sendinblue",
    "sparkpost",
}
if INBOUND_ESP and INBOUND_ESP not in _INBOUND_ESPS:
    raise ImproperlyConfigured(
        f"INBOUND_ESP={INBOUND_ESP!r} is not an ESP anymail receives mail from; use one of "
        + ", ".join(sorted(_INBOUND_ESPS))
        + " (or leave it empty)."
    )
# A bigger message is refused (the MTA bounces it); its first 2 x this many bytes are kept.
INBOUND_MAX_MESSAGE_BYTES = env_int("INBOUND_MAX_MESSAGE_BYTES", 25 * 1024 * 1024, minimum=1024)
# Attachments stored per message and the size of each; the rest stay in the raw message.
INBOUND_MAX_ATTACHMENTS = env_int("INBOUND_MAX_ATTACHMENTS", 10, minimum=0)
INBOUND_MAX_ATTACHMENT_BYTES = env_int("INBOUND_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, minimum=0)

# --- Care (the patient's page, comfort check-ins, escalations, after-care: care/) -------
# A pain score at or above this (0-10) opens an escalation like "I need help now".
CARE_PAIN_THRESHOLD = env_int("CARE_PAIN_THRESHOLD", 7, minimum=1)
if CARE_PAIN_THRESHOLD > 10:
    raise ImproperlyConfigured(f"CARE_PAIN_THRESHOLD={CARE_PAIN_THRESHOLD} is above 10.")
# Minutes an escalation may stay unacknowledged before every manager is emailed.
CARE_ESCALATION_MINUTES = env_int("CARE_ESCALATION_MINUTES", 15, minimum=1)
# Days a link to the patient's page stays valid (each email carries a fresh one).
CARE_LINK_MAX_AGE_DAYS = env_int("CARE_LINK_MAX_AGE_DAYS", 60, minimum=1)
# The care beat entry: escalation notices and after-care step emails that are due.
CARE_DISPATCH_INTERVAL = env_int("CARE_DISPATCH_INTERVAL", 30, minimum=1)
CELERY_BEAT_SCHEDULE["care-dispatch"] = {
    "task": "care.tasks.dispatch_due",
    "schedule": float(CARE_DISPATCH_INTERVAL),
    "options": {"expires": float(CARE_DISPATCH_INTERVAL)},
}
