from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "portal.inspection"
    label = "inspection"
    verbose_name = "网站自查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (keeps links to deleted pages and files visible)
