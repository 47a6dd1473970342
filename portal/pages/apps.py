from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = "网站页面"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import cache  # noqa: F401  (connects the invalidation signals)
