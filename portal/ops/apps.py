from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "portal.ops"
    label = "ops"
    verbose_name = "运行与安全"

    def ready(self):
        from . import lookups  # noqa: F401 - registers the overflow-safe integer "in"
