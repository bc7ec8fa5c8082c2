"""One settings module, read from the environment by the strict helpers in crm.env.

With nothing set it runs on embedded defaults (SQLite and Celery's filesystem transport
under var/, email to the console) so `make run` needs no servers. DATABASE_URL and
CELERY_BROKER_URL switch to PostgreSQL and Redis. `.env.example` lists every variable.

A local `.env` beside manage.py (written by `make run`/`make install`: DEBUG=1 and a
generated SECRET_KEY) fills in what the environment does not set; the environment wins.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from crm.env import (
    broker_from_url,
    database_from_url,
    env_bool,
    env_email_address,
    env_int,
    env_list,
    env_str,
    env_timezone,
    load_env_file,
    local_url,
    run_address,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# First, before any setting is read: a developer's `.env` (ENV_FILE= turns it off; the test
# suite does). Production sets real environment variables and has no such file.
ENV_FILE = load_env_file(BASE_DIR / ".env")
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-dev-only-key-set-SECRET_KEY-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# `make run` serves on RUN_HOST:RUN_PORT (bin/run_all.py); links in emails default to it.
RUN_HOST, RUN_PORT = run_address()
SITE_URL = env_str("SITE_URL", local_url(RUN_HOST, RUN_PORT)).rstrip("/")

INSTALLED_APPS = [
    "crm.admin_apps.CrmAdminConfig",  # django.contrib.admin, for managers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # OpenAPI 3.1 for /api/v1/schema/; the sidecar serves Swagger UI's files from static
    # (pinned in pyproject.toml), never a CDN.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "django_htmx",
    # Sign-in hardening: lockout after repeated failures, and the second factor.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "crm",
    "journeys",
    "followups",
    "care",
    "intake",
    "feedback",
    "reports",
    "privacy",
    "transfer",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Inbound webhook posts only: reads bodies up to 2 x INBOUND_MAX_MESSAGE_BYTES (the
    # rest of the site keeps Django's 2.5 MB DATA_UPLOAD_MAX_MEMORY_SIZE). Before anything
    # that could read request.POST (which would apply Django's limit).
    "followups.inbound.webhook.InboundBodyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Caller's address and request id for the audit trail (audit/context.py).
    "audit.context.audit_context_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crm.dashboard.access.timezone_middleware",
    # Before any view: a session that still owes its second factor reaches only the
    # sign-in pages; pages for signed-in staff and patients' token pages are never cached.
    "crm.accounts.middleware.second_factor_middleware",
    "crm.accounts.middleware.no_store_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# --- Sign-in and sessions (README, "Security and privacy") --------------------------------
# 12+ characters, not on the common-passwords list, not like the username or email, not all
# digits. Length is what stops the "Clinic2026" kind (a word and a year): the common list
# holds whole passwords, not patterns.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes watches every authenticate() call (the sign-in page and the admin's): after
# LOGIN_FAILURE_LIMIT failures for one username, or from one address, sign-in is refused for
# LOGIN_LOCKOUT_MINUTES (0 = until a manager unlocks it on the Security page).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
_lockout_minutes = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=0)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_lockout_minutes) if _lockout_minutes else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Off: axes would delete every failure of the address too, so an insider could guess a
# colleague's password nine times, sign in as themselves from the same address, and go on
# forever. A success forgets only its own username's failures (crm.accounts.lockout).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "crm/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "crm.accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "crm.accounts.lockout.lockout_username"
# Two-factor sign-in (TOTP apps, plus one-time recovery codes): always for managers and
# superusers, for coordinators when they enrol, for everyone with REQUIRE_2FA_FOR_ALL=1.
REQUIRE_2FA_FOR_ALL = env_bool("REQUIRE_2FA_FOR_ALL", False)
OTP_TOTP_ISSUER = env_str("COMPANY_NAME", "Clinic Care")
# The admin never shows an authenticator's secret or QR code (a superuser who can read the
# admin could otherwise copy anyone's second factor); a lost phone: delete the device.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session ends after SESSION_IDLE_MINUTES without a request (each request renews it), and
# whenever the password changes (Django's session auth hash).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:my_day"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60, minimum=5) * 60

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
# The console backend prints whole emails (health details included) into the log: it is the
# default only with DEBUG on (`make run`); with DEBUG off the backend must be named. The
# default is crm.mail_console, Django's console backend printing the text part as written
# (links copyable from the worker's console; the wire format cuts them).
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "crm.mail_console.EmailBackend" if DEBUG else "")
if not EMAIL_BACKEND_PATH:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND is required when DEBUG is off (e.g. "
        "django.core.mail.backends.smtp.EmailBackend or anymail.backends.<esp>.EmailBackend)."
    )
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
    "filters": {
        "no_query_string": {"()": "crm.logfilters.StripQueryString"},
        # A request the database could not serve is answered 503 and logged in one line by
        # crm.unavailable.server_error; its traceback record is dropped.
        "skip_database_unavailable": {"()": "crm.unavailable.SkipDatabaseUnavailable"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # runserver's request lines (`make run`), without query strings: searches stay out.
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["no_query_string"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["skip_database_unavailable"]},
    },
}

# --- Production hardening (README, "Deployment checklist") ------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Self only, nothing inline: the templates load every script and style from static/. HTML
# email is shown in sandboxed srcdoc frames, which inherit this policy (no remote images).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# X-Forwarded-Proto is trusted only when a proxy that sets it (and strips the client's) is
# really in front: otherwise any client could claim https.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# /healthz answers with a 301 to https like any page would; the load balancer probes plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# /healthz tells anyone up or down; the per-part details need this token
# (Authorization: Bearer <token>) or a signed-in manager. Empty: managers only.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN", "")

# The REST API v1 (api/): API keys or the browser session (with CSRF), cursor pages,
# RFC 9457 problem details for every error, a rate per key or person.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per key (or signed-in person) per minute; past it a 429 with Retry-After.
API_THROTTLE_RATE = f"{env_int('API_THROTTLE_PER_MINUTE', 600, minimum=1)}/min"
SPECTACULAR_SETTINGS = {
    "TITLE": "Patient-journey CRM API",
    "DESCRIPTION": "REST API v1: patients, journeys and their moves, interactions, "
    "messages, events, procedures, clinics, inquiries and reports. Authenticate with "
    "`Authorization: Bearer <API key>` (or the browser session). Errors are RFC 9457 "
    "problem details (application/problem+json).",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "journeys.models.Stage",
        "OutcomeEnum": "journeys.models.Outcome",
        "EventKindEnum": "journeys.models.EventKind",
        "InteractionKindEnum": "crm.models.InteractionKind",
        "InteractionDirectionEnum": "crm.models.InteractionDirection",
        "MessageKindEnum": "followups.models.Kind",
        "MessageDirectionEnum": "followups.models.Direction",
    },
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
# A row left `sending` past CLAIM_TIMEOUT (its worker died) may have reached the ESP: it
# waits this many seconds more for the ESP's tracking events (which carry the row id)
# before it is sent again. 0 with a backend that reports no events (SMTP, console).
FOLLOWUPS_SEND_CONFIRM_WAIT = env_int("FOLLOWUPS_SEND_CONFIRM_WAIT", 600, minimum=0)
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
# The ESP whose inbound webhook (/anymail/<esp>/inbound/) is mounted; with an anymail
# EMAIL_BACKEND its tracking webhook is mounted too (followups/webhooks.py). Empty and no
# anymail backend: no webhook at all.
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
# The webhook keeps the ESP's post and answers at once; a worker task reads it. A claim
# older than INBOUND_CLAIM_TIMEOUT seconds (the worker died) is taken again by the reaper,
# at most INBOUND_MAX_ATTEMPTS times; then the raw email is marked failed for a person.
INBOUND_CLAIM_TIMEOUT = env_int("INBOUND_CLAIM_TIMEOUT", 300, minimum=10)
INBOUND_MAX_ATTEMPTS = env_int("INBOUND_MAX_ATTEMPTS", 3, minimum=1)

# CSV import (transfer/): the largest file accepted, uploaded or on disk. 100,000 rows of
# the template's columns are about 15 MB.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
CELERY_BEAT_SCHEDULE["followups-inbound-reap"] = {
    "task": "followups.tasks.inbound_reap",
    "schedule": 60.0,
    "options": {"expires": 60.0},
}
# Raw emails (the bytes as received) are deleted this many days after they arrived; the
# parsed message (text, attachments) stays on the journey. `manage.py prune_raw_email`,
# run daily by beat.
INBOUND_RAW_RETENTION_DAYS = env_int("INBOUND_RAW_RETENTION_DAYS", 730, minimum=1)
CELERY_BEAT_SCHEDULE["followups-prune-raw-email"] = {
    "task": "followups.tasks.prune_raw_email",
    "schedule": 24 * 3600.0,
    "options": {"expires": 3600.0},
}
# Sender authentication: only the top-most Authentication-Results header with this
# authserv-id (our MTA's, or the ESP's inbound servers') is trusted. A message matched
# by its sender's address alone (no reply token, no thread of ours) that fails SPF/DKIM/
# DMARC there goes to triage and cancels nothing; with INBOUND_REQUIRE_AUTH=1 one with
# no verdict does too. Empty: no header is trusted (and nothing is required).
INBOUND_AUTHSERV_ID = env_str("INBOUND_AUTHSERV_ID", "").strip().lower()
INBOUND_REQUIRE_AUTH = env_bool("INBOUND_REQUIRE_AUTH", False)
if INBOUND_REQUIRE_AUTH and not INBOUND_AUTHSERV_ID:
    raise ImproperlyConfigured("INBOUND_REQUIRE_AUTH=1 needs INBOUND_AUTHSERV_ID.")

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

# --- Quote versus final bill (care/quotes/) -------------------------------------------
# A final bill above its accepted quote by more than this percentage of the quote's total,
# or by more than this amount in the clinic's currency (whichever is reached first), needs
# a written reason per changed line and the patient's acknowledgment before the procedure.
CARE_BILL_VARIANCE_PERCENT = env_int("CARE_BILL_VARIANCE_PERCENT", 5, minimum=0)
CARE_BILL_VARIANCE_AMOUNT = env_int("CARE_BILL_VARIANCE_AMOUNT", 100, minimum=0)
# Days a new quote stays valid unless the coordinator picks another date.
CARE_QUOTE_VALID_DAYS = env_int("CARE_QUOTE_VALID_DAYS", 30, minimum=1)
# --- Intake (the public inquiry form and automatic assignment: intake/, README) --------
# Cache for the intake rate limits (and anything else that wants one): redis://host/db to
# share counts between web processes; empty = each process's own memory.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db or leave it empty."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Origins (https://www.clinic.example) allowed to embed /inquire/ in an iframe, besides
# each intake site's own list (admin). Only the inquiry pages may be framed.
INTAKE_FRAME_ANCESTORS = env_list("INTAKE_FRAME_ANCESTORS")
for _origin in INTAKE_FRAME_ANCESTORS:
    if not _origin.startswith(("https://", "http://")) or " " in _origin:
        raise ImproperlyConfigured(
            f"INTAKE_FRAME_ANCESTORS: {_origin!r} is not an origin like https://www.clinic.example."
        )
# Submissions per hour from one address (the form) and per site key (the JSON endpoint).
INTAKE_RATE_LIMIT_PER_HOUR = env_int("INTAKE_RATE_LIMIT_PER_HOUR", 10, minimum=0)
INTAKE_KEY_RATE_LIMIT_PER_HOUR = env_int("INTAKE_KEY_RATE_LIMIT_PER_HOUR", 1000, minimum=0)
# Files per submission, bytes per file, and bytes per request (the cap is checked first).
INTAKE_MAX_FILES = env_int("INTAKE_MAX_FILES", 5, minimum=0)
INTAKE_MAX_FILE_BYTES = env_int("INTAKE_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024)
INTAKE_MAX_REQUEST_BYTES = env_int("INTAKE_MAX_REQUEST_BYTES", 40 * 1024 * 1024, minimum=4096)
INTAKE_MAX_MESSAGE_CHARS = 10_000
# A person needs at least this long between seeing the form and sending it.
INTAKE_MIN_FILL_SECONDS = env_int("INTAKE_MIN_FILL_SECONDS", 3, minimum=0)
# Automatic assignment counts each coordinator's open journeys at most this often (seconds;
# in between it adds its own assignments); 0 = count for every new inquiry.
INTAKE_LOAD_CACHE_SECONDS = env_int("INTAKE_LOAD_CACHE_SECONDS", 60, minimum=0)
# The hidden field only bots fill in.
INTAKE_HONEYPOT_FIELD = "website"
# The version of the consent texts on the form, stored with every consent given: change it
# when the wording changes.
INTAKE_CONSENT_VERSION = env_str("INTAKE_CONSENT_VERSION", "2026-11-29")
# --- Feedback (satisfaction survey, testimonials, referrals, service recovery: feedback/) --
# Days after the first answer during which the patient may change their survey answer.
FEEDBACK_CHANGE_DAYS = env_int("FEEDBACK_CHANGE_DAYS", 7, minimum=1)
# Working days (Monday to Friday) the clinic's manager has to resolve a recovery case.
FEEDBACK_RECOVERY_WORKING_DAYS = env_int("FEEDBACK_RECOVERY_WORKING_DAYS", 2, minimum=1)
# Recovery cases past their deadline, unresolved: the manager's one email (beat entry).
CELERY_BEAT_SCHEDULE["feedback-cases-late"] = {
    "task": "feedback.tasks.cases_late_dispatch",
    "schedule": 300.0,
    "options": {"expires": 300.0},
}
# --- Outgoing webhooks (api/webhooks.py) -----------------------------------------------
# The dispatcher claims due deliveries every N seconds (and right after a commit that
# made some), at most BATCH_SIZE per transaction; a claim older than CLAIM_TIMEOUT
# seconds (a worker died) is returned to pending. Each POST waits at most TIMEOUT seconds.
WEBHOOKS_DISPATCH_INTERVAL = env_int("WEBHOOKS_DISPATCH_INTERVAL", 30, minimum=1)
WEBHOOKS_BATCH_SIZE = env_int("WEBHOOKS_BATCH_SIZE", 100, minimum=1)
WEBHOOKS_CLAIM_TIMEOUT = env_int("WEBHOOKS_CLAIM_TIMEOUT", 300, minimum=5)
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10, minimum=1)
# Seconds before each retry of a failed POST; after the last the delivery is failed.
try:
    WEBHOOKS_RETRY_DELAYS = [
        int(v) for v in env_list("WEBHOOKS_RETRY_DELAYS", ["60", "300", "1800", "7200", "21600"])
    ]
except ValueError:
    raise ImproperlyConfigured(
        "WEBHOOKS_RETRY_DELAYS must be comma-separated seconds, e.g. 60,300,1800."
    ) from None
CELERY_BEAT_SCHEDULE["api-webhooks-dispatch"] = {
    "task": "api.tasks.webhooks_dispatch",
    "schedule": float(WEBHOOKS_DISPATCH_INTERVAL),
    "options": {"expires": float(WEBHOOKS_DISPATCH_INTERVAL)},
}
# --- Booked-risk flags (care/risk/, README "Booked-risk flags") -------------------------
# A booked journey's reasons add up to a score; at or above these it is "watch" / "high".
RISK_WATCH_SCORE = env_int("RISK_WATCH_SCORE", 20, minimum=1)
RISK_HIGH_SCORE = env_int("RISK_HIGH_SCORE", 50, minimum=1)
if RISK_HIGH_SCORE <= RISK_WATCH_SCORE:
    raise ImproperlyConfigured(
        f"RISK_HIGH_SCORE={RISK_HIGH_SCORE} must be above RISK_WATCH_SCORE={RISK_WATCH_SCORE}."
    )
# Points per reason, overriding the defaults (care/risk/reasons.py), as code=points pairs:
# "quiet=10,said_doubt=30". Unknown codes stop start-up (checked when care is ready).
RISK_POINTS: dict[str, int] = {}
for _pair in env_list("RISK_POINTS", []):
    _code, _, _points = _pair.partition("=")
    if not _code.strip() or not _points.strip().isdigit() or int(_points) > 1000:
        raise ImproperlyConfigured(
            f"RISK_POINTS: {_pair!r} is not code=points (points a whole number 0-1000)."
        )
    RISK_POINTS[_code.strip()] = int(_points)
# Days without a word from a booked patient before "not heard from" counts.
RISK_QUIET_DAYS = env_int("RISK_QUIET_DAYS", 7, minimum=1)
# The nightly recompute of every booked journey (and the T-14 snapshots), at this UTC hour.
RISK_NIGHTLY_HOUR = env_int("RISK_NIGHTLY_HOUR", 2, minimum=0)
if RISK_NIGHTLY_HOUR > 23:
    raise ImproperlyConfigured(f"RISK_NIGHTLY_HOUR={RISK_NIGHTLY_HOUR} is not an hour (0-23).")
CELERY_BEAT_SCHEDULE["care-risk-nightly"] = {
    "task": "care.tasks.risk_nightly",
    "schedule": crontab(hour=RISK_NIGHTLY_HOUR, minute=0),
    # A run that could not start within the hour waits for the next night.
    "options": {"expires": 3600.0},
}
