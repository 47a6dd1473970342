from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "portal.registry"
    label = "registry"
    verbose_name = "精康登记"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the region-model check)
        from .groups import ensure_groups

        post_migrate.connect(ensure_groups, dispatch_uid="registry.ensure_groups")
