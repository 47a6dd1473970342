from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    name = "portal.ops"
    label = "ops"
    verbose_name = "运行与安全"

    def ready(self):
        from . import lookups  # noqa: F401 - registers the overflow-safe integer "in"
        from .permissions import grant_ops_permissions

        post_migrate.connect(grant_ops_permissions, dispatch_uid="ops.grant_permissions")
