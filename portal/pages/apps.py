from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = "网站页面"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import Page
        from wagtail.permissions import register_permission_policy

        from . import cache  # noqa: F401  (connects the invalidation signals)
        from .permissions import RegionPagePermissionPolicy

        # Every page listing of the admin asks this policy (explorer, search, API, reports).
        register_permission_policy(Page, RegionPagePermissionPolicy())
