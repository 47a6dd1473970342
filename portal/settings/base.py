"""Settings shared by every environment.

Everything that differs between machines comes from the environment:
DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL, SECRET_KEY, ALLOWED_HOSTS.
With none of them set the portal runs on SQLite with database search.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.pages",
    "portal.registry",
    "portal.ops",
    "portal.audit",
    "portal.supervision",
    "portal.prices",
    "portal.help",
    "portal.reporting",
    "portal.inspection",
    "search",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "axes",
]

MIDDLEWARE = [
    # Request id first so every later log line carries it; /healthz is
    # answered before host checks and the HTTPS redirect (load balancers).
    "portal.ops.middleware.RequestIdMiddleware",
    "portal.ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.ops.middleware.SecurityHeadersMiddleware",
    "portal.ops.csp.PortalCSPMiddleware",
    # NUL in the URL, a listing's unknown filter parameter: 400, not 500.
    "portal.ops.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor authentication (django-otp); enforces nothing unless TWO_FACTOR_ENABLED.
    "django_otp.middleware.OTPMiddleware",
    "portal.ops.two_factor.TwoFactorMiddleware",
    # Admin URLs naming a page outside the user's regions answer 404 (portal/pages/permissions.py).
    "portal.pages.permissions.PageScopeMiddleware",
    # Whole-page cache for anonymous visitors, refreshed by topic (portal/pages/cache.py).
    "portal.pages.cache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite in the repository unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "jingkang"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# What Wagtail's zh_Hans catalogue lacks or gets wrong, compiled .mo committed (make translations).
LOCALE_PATHS = [PROJECT_DIR / "locale"]
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploaded import files between upload, preview, confirm and the error workbook
# (portal/registry/spreadsheets/uploads.py): outside MEDIA_ROOT, so never served,
# and on a volume the web process and the db_worker share (docker/compose.yaml).
REGISTRY_IMPORT_ROOT = Path(os.environ.get("REGISTRY_IMPORT_ROOT", BASE_DIR / "private"))
REGISTRY_IMPORT_STORAGE = "registry_imports"
PRIVATE_UPLOADS = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": REGISTRY_IMPORT_ROOT, "base_url": "/no-public-url/"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "registry_imports": PRIVATE_UPLOADS,
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "精康融合行动服务平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# The database backend is the embedded default; the search app (search/)
# adds Chinese segmentation and the Elasticsearch path.
# Wagtail's own search (API v2, admin, choosers): its database backend, with
# the user's text cleaned first (search/backends/wagtail_database.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.wagtail_database"}}

LOGIN_URL = "wagtailadmin_login"

# Structured logs: one JSON object per line with the request id; phone
# numbers, ID-card numbers and contact fields are masked before writing
# (portal/ops/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.ops.logging.RequestIdFilter"},
        "redact": {"()": "portal.ops.logging.RedactFilter"},
    },
    "formatters": {"json": {"()": "portal.ops.logging.RedactingJsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request (method, path, status, duration; never the body).
        "portal.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
    },
}

# --- Security and operations (portal/ops, portal/audit) ---------------------

# The hotline shown on error pages, which must render without the database.
PUBLIC_HOTLINE = os.environ.get("PUBLIC_HOTLINE", "12345")
PUBLIC_HOTLINE_LABEL = os.environ.get("PUBLIC_HOTLINE_LABEL", "政务服务便民热线")

# Proxies in front of the app (docker/: 1). Who the client is, for the login
# lockout and the form limits, is read that many hops from the right of
# X-Forwarded-For (portal/ops/client_ip.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
# Submissions of one form-builder page (case calls, event sign-ups) per client per hour.
FORM_SUBMISSIONS_PER_HOUR = int(os.environ.get("FORM_SUBMISSIONS_PER_HOUR", "10"))

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before
    # the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures of one account from one address lock that pair (a stranger cannot
# lock an administrator out; a successful login resets only its own pair) …
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# … and failures from one address across all accounts lock the address; a
# successful login does not reset this count (portal/ops/lockout.py).
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_HANDLER = "portal.ops.lockout.PortalAxesHandler"
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_TEMPLATE = "ops/lockout.html"
AXES_CLIENT_IP_CALLABLE = "portal.ops.client_ip.client_ip"
AXES_ENABLE_ADMIN = False  # unlocking happens in the Wagtail admin (登录锁定)
AXES_VERBOSE = False

# Two-factor authentication (portal/ops/two_factor.py): off unless set; then
# optional for staff and required for these groups.
TWO_FACTOR_ENABLED = os.environ.get("TWO_FACTOR_ENABLED", "0") == "1"
TWO_FACTOR_REQUIRED_GROUPS = ["省级管理员"]
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Content Security Policy (django-csp): same-origin only, no inline code on
# the public site. The admin gets the relaxed policy it needs (portal/ops/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"
# The admin must not call out to third parties (update check, avatars).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Uploads: checked by content, not by name (portal/ops/uploads.py).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.ops.uploads.SafeDocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
# Media files served by Django (docker/ has no separate web server): only
# when asked for, with safe headers (portal/ops/media.py).
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "0") == "1"

# Backups (portal/ops/backup.py): Django's JSON fixtures, exact to the microsecond.
SERIALIZATION_MODULES = {"backup_json": "portal.ops.backup_format"}

# --- Registry spreadsheets (portal/registry/spreadsheets) --------------------

# Background work (large imports) goes through django-tasks; production runs
# `manage.py db_worker` next to the web process. Tests run tasks immediately.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REGISTRY_IMPORT_MAX_BYTES = int(os.environ.get("REGISTRY_IMPORT_MAX_MB", "20")) * 1024 * 1024
REGISTRY_IMPORT_MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024  # zip-bomb guard
REGISTRY_IMPORT_MAX_BLANK_ROWS = 200  # stop reading after this many blank rows in a row
# Files above this size are previewed and imported in the background.
REGISTRY_IMPORT_BACKGROUND_BYTES = int(os.environ.get("REGISTRY_IMPORT_BACKGROUND_KB", "512")) * 1024

# --- Reporting rounds (portal/reporting) -------------------------------------

# Reminders (催报) go out this many days before a round's deadline, and on it;
# cron runs `manage.py reporting_round remind-due` once a day.
REPORTING_REMINDER_DAYS = tuple(
    int(d) for d in os.environ.get("REPORTING_REMINDER_DAYS", "3,0").split(",") if d.strip()
)

# --- E-mail (reporting notices, the 网站自查 digest, error mails) -----------

EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jingkang-noreply@localhost")
# --- 网站自查 (portal/inspection) ---------------------------------------------

# `manage.py check_links` requests external links from the server: addresses in
# private, loopback or link-local networks are left unchecked unless this is on.
INSPECTION_LINKCHECK_PRIVATE_ADDRESSES = os.environ.get("INSPECTION_LINKCHECK_PRIVATE_ADDRESSES", "0") == "1"
