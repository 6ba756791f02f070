"""Settings for PEP Portal, read from the environment.

Every variable is documented in `.env.example`. Missing values that production needs make the
process refuse to start, naming the variable; nothing insecure is assumed outside DEBUG.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return default if value is None else int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=true for local development only)."
        )
    # Development only: a random key kept in a git-ignored file, so sign-ins survive reloads.
    _dev_key = BASE_DIR / ".dev-secret-key"
    if not _dev_key.exists():
        from django.core.management.utils import get_random_secret_key

        _dev_key.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names this site serves.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people use, for links in emails.
SITE_URL = (env("SITE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    # The project's apps, in dependency order: each imports only from those above it.
    "audit",
    "accounts",
    "children",
    "peps",
    "attachments",
    "meetings",
    "funding",
    "voice",
    "reporting",
    "exchange",
    # Last: the project itself, for commands that span every app (seed_demo).
    "pep_portal",
]

MIDDLEWARE = [
    # First: the orchestrator's probes are answered before host checks and HTTPS redirects.
    "pep_portal.health.HealthProbeMiddleware",
    "pep_portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pep_portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pep_portal.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the CSRF check and authentication: a form sent after its session ended is kept.
    "pep_portal.kept_posts.KeptPostMiddleware",
    "pep_portal.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "pep_portal.urls"
WSGI_APPLICATION = "pep_portal.wsgi.application"

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
                "accounts.context_processors.navigation",
                "pep_portal.session_timeout.session_timeout",
            ],
        },
    },
]

# The embedded default is a SQLite file, so that `make run` needs no services.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Two of PostgreSQL's settings for the app's own sessions, which gunicorn.conf.py sets for the
# web process (the worker and beat keep the server's). JIT compiling is for long analytic
# queries: on a page's query over a council's few thousand children it added 24 ms of
# compiling to an 18 ms query whenever an estimate crossed jit_above_cost. A page's query split
# across parallel workers took longer (25 against 19 ms for the PP+ report's) and took the
# cores the other web workers serve pages on. The daily job's long scans gain from both.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _session = []
    if env("DATABASE_JIT"):
        _session.append(f"-c jit={'on' if env_bool('DATABASE_JIT', True) else 'off'}")
    if env("DATABASE_PARALLEL_WORKERS_PER_QUERY"):
        workers = env_int("DATABASE_PARALLEL_WORKERS_PER_QUERY", 0)
        _session.append(f"-c max_parallel_workers_per_gather={workers}")
    if _session:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_session)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Links to choose a password (invitations and resets) work once, for 72 hours.
PASSWORD_RESET_TIMEOUT = 72 * 60 * 60
PASSWORD_RESETS_PER_EMAIL = env_int("PASSWORD_RESETS_PER_EMAIL", 3)  # an hour
PASSWORD_RESETS_PER_ADDRESS = env_int("PASSWORD_RESETS_PER_ADDRESS", 20)  # an hour
# Two-factor sign-in (an authenticator app, with recovery codes) for everyone who signs in
# with a password; required for every role but carers, who are offered it. Off by default
# only in DEBUG, so the demo's published accounts sign in with a password alone.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "PEP Portal"
# Seconds to wait for a council's OpenID Connect provider (single sign-on).
SINGLE_SIGN_ON_TIMEOUT = env_int("SINGLE_SIGN_ON_TIMEOUT", 10)
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sessions end after 30 idle minutes. The expiry is pushed on at most once a minute
# (`pep_portal.middleware.SessionIdleTimeoutMiddleware`), not written on every request, and
# that middleware ends a session idle longer than this whatever the store's own clock says.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The store keeps an ended session four hours more, unusable (the middleware flushes it), so
# that a form sent after the timeout is known to be its person's and kept for them.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + 4 * 60 * 60
# The timeout warning appears this long before the session ends (pages with JavaScript).
SESSION_WARNING_SECONDS = 5 * 60
SESSION_REFRESH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout after repeated failed sign-ins, per email address and client address.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None

# django-guardian: no anonymous user row; nobody anonymous sees personal data.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents about children live outside any public URL; they are served through views that
# check access and write the audit trail.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Signed-off PEPs. Any Django storage backend will do, provided nothing it holds is public.
    "private": {
        "BACKEND": "peps.documents.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_STORAGE_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Attached documents are scanned by ClamAV's daemon before they are stored; while it cannot be
# reached, uploads are refused (never stored unscanned). Debian's clamd listens on this socket.
CLAMD_ADDRESS = env("CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: GOV.UK Notify when NOTIFY_API_KEY is set, else SMTP when EMAIL_HOST is, else (in
# development) printed to the console. Every message is one of pep_portal.emails.KINDS.
NOTIFY_API_KEY = env("NOTIFY_API_KEY")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_REPLY_TO_ID = env("NOTIFY_REPLY_TO_ID")
# One Notify template per kind of email: "kind=template-id,kind=template-id,..."
NOTIFY_TEMPLATE_IDS = dict(
    item.split("=", 1) if "=" in item else (item, "") for item in env_list("NOTIFY_TEMPLATE_IDS")
)
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "pep_portal.notify.NotifyEmailBackend"
    if NOTIFY_API_KEY
    else "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
if not DEBUG and EMAIL_BACKEND.endswith("console.EmailBackend") and not env("EMAIL_BACKEND"):
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set (nor NOTIFY_API_KEY): production must be able to send email."
    )
if EMAIL_BACKEND == "pep_portal.notify.NotifyEmailBackend":
    from pep_portal.emails import KINDS as _EMAIL_KINDS

    _missing = sorted(kind for kind in _EMAIL_KINDS if not NOTIFY_TEMPLATE_IDS.get(kind))
    if not NOTIFY_API_KEY or _missing:
        raise ImproperlyConfigured(
            "GOV.UK Notify needs NOTIFY_API_KEY and a template id for every kind of email in "
            f"NOTIFY_TEMPLATE_IDS; missing: {', '.join(_missing) or 'NOTIFY_API_KEY'}."
        )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PEP Portal <no-reply@pep-portal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis is the broker; with no REDIS_URL, tasks run in-process as they are sent.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# With Redis, sessions are read from it (shared by every worker, so signing out ends a session
# everywhere at once) and written through to the database; without it, from the database.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pep_portal.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pep-portal",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The dashboard's figures are kept in that shared cache until something they count changes, and
# never longer than this (reporting/cached.py); with no shared cache they are counted each time.
DASHBOARD_FIGURES_SECONDS = env_int("DASHBOARD_FIGURES_MINUTES", 10) * 60 if REDIS_URL else 0
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker was killed mid-run goes back on the queue: redelivered at once when only
# the worker's child process died, and after the visibility timeout when the whole worker
# (or its machine) did. Every task is idempotent, so a second delivery sends nothing twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
}
# Retries wait at most 5 minutes, so a waiting retry is never redelivered as if lost.
CELERY_TASK_ANNOTATIONS = {"*": {"retry_backoff_max": 300}}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Beat sends it, a worker runs it and records the time: /readyz reads that time.
    "heartbeat": {"task": "pep_portal.celery.heartbeat", "schedule": timedelta(minutes=1)},
    "daily-pep-reminders": {
        "task": "peps.tasks.send_daily_reminders",
        "schedule": crontab(hour=env_int("REMINDER_HOUR", 7), minute=0),
    },
    # The daily job's digests still owed, had its gathering been lost (peps.tasks).
    "gather-missed-digests": {
        "task": "peps.tasks.gather_missed_digests",
        "schedule": crontab(hour=(env_int("REMINDER_HOUR", 7) + 3) % 24, minute=0),
    },
    "apply-planned-school-moves": {
        "task": "children.tasks.apply_planned_school_moves",
        "schedule": crontab(hour=0, minute=5),
    },
    "remove-expired-access": {
        "task": "children.tasks.remove_expired_access",
        "schedule": timedelta(hours=6),
    },
    # A signed-off copy whose render failed, was interrupted, or whose task was lost.
    "render-missing-copies": {
        "task": "peps.tasks.render_missing_copies",
        "schedule": timedelta(minutes=10),
    },
}
# The daily job's Virtual Schools run in this many parts side by side (peps.tasks), one to a
# worker process: on two cores, two parts took a national first run from 58-60 to 44-51 s.
DAILY_JOB_PARTS = env_int("DAILY_JOB_PARTS", 2)
# /readyz fails when the last heartbeat is older than this many seconds.
HEARTBEAT_STALE_AFTER = env_int("HEARTBEAT_STALE_AFTER_SECONDS", 300)

# Security headers. Behind a TLS-terminating proxy set TRUSTED_PROXY_COUNT / SECURE_PROXY_SSL.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The API for the council's social-care system (exchange/api): tokens only, JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["exchange.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["exchange.api.authentication.HasApiToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "exchange.api.pagination.ApiPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PEP Portal API",
    "DESCRIPTION": "For a council's social-care system: its children, their schools, social "
    "workers and placements, and their PEPs. A token reaches one Virtual School's children.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "exchange.api.schema.add_error_responses",
    ],
}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Errors alert someone: the ADMINS by email (through the configured email backend) and, when
# SENTRY_DSN is set, Sentry. Neither report carries form values, cookies, query strings or
# local variables (pep_portal/observability.py).
ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].strip(">").strip())
    for address in env_list("ADMINS")
]
DEFAULT_EXCEPTION_REPORTER_FILTER = "pep_portal.observability.PersonalDataFreeReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "pep_portal.observability.PersonalDataFreeExceptionReporter"
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    from pep_portal.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production") or "production",
        release=env("SENTRY_RELEASE"),
    )

# Logs carry request paths and ids, never names, emails or free text about a child. JSON
# lines (LOG_FORMAT=json, the default outside DEBUG) keep an allow-list of fields.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pep_portal.observability.RequestIdFilter"},
        # Search terms (names, UPNs) travel in query strings: no log line keeps one.
        "no_query_strings": {"()": "pep_portal.observability.QueryStringFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "pep_portal.observability.PersonalDataFreeJsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["no_query_strings", "request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["no_query_strings"],
            "level": "ERROR",
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Server errors and failed tasks are also mailed to the ADMINS (the handler's level).
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
        # Runserver's access lines, through the console (Django's own handler would print the
        # query string).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per task run is noise; failures still show.
        "celery.app.trace": {
            "handlers": ["console", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
        # axes logs the email address typed at sign-in; keep only its errors.
        "axes": {"level": "ERROR"},
        # WeasyPrint reports each step of every render, and fontTools each font it subsets.
        # Their warnings quote the text being printed (".notdef glyph rendered for ... "李"
        # (U+674E)": a child's name), so only their errors are kept.
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
    },
}
