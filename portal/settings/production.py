"""Production: everything secret or site-specific comes from the environment.

Required: SECRET_KEY (50+ random characters), ALLOWED_HOSTS, DATABASE_URL.
Usual: CSRF_TRUSTED_ORIGINS (https://…), REDIS_URL, ELASTICSEARCH_URL,
WAGTAILADMIN_BASE_URL. Behind a TLS-terminating proxy (the usual case) set
TRUSTED_PROXY_COUNT and keep BEHIND_TLS_PROXY=1, so Django believes the
proxy's X-Forwarded-Proto. See README.md, 部署.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, LOGGING, MIDDLEWARE, REDIS_URL


def env_flag(name, default):
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for production.")

# Redis holds the cache and the sessions when there is one (several app
# processes share them); without it sessions stay in the database.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    CACHES["default"].setdefault("TIMEOUT", 300)
else:
    # Each worker would keep its own page cache, and a publish would empty
    # only one of them: without a shared cache, pages and fragments are not cached.
    PAGE_CACHE_ENABLED = False
    FRAGMENT_CACHE_ENABLED = False

# HTTPS. Behind a proxy that terminates TLS, the proxy must set (and strip
# any client-sent) X-Forwarded-Proto; without a proxy set BEHIND_TLS_PROXY=0.
if env_flag("BEHIND_TLS_PROXY", "1"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", "1")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", "1")

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))  # one working day
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

# Static files from the app itself (WhiteNoise, hashed names, compressed):
# the container needs no separate web server.
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "registry_imports": PRIVATE_UPLOADS,  # noqa: F405
}

ADMINS = [("", address) for address in os.environ.get("ADMIN_EMAILS", "").split(",") if address.strip()]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
# Outgoing mail (error mails, reporting notices, the weekly 网站自查 digest): EMAIL_* in base.py.

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")
