from .base import *  # noqa: F403
from .base import SECRET_KEY as _ENV_SECRET_KEY

DEBUG = True
# A fixed key is fine on a developer's machine; production refuses to start without one.
SECRET_KEY = _ENV_SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
