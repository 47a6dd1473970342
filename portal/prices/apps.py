from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PricesConfig(AppConfig):
    name = "portal.prices"
    label = "prices"
    verbose_name = "价格公示"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import grant_group_permissions

        post_migrate.connect(grant_group_permissions, dispatch_uid="prices_group_permissions")
