from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SupervisionConfig(AppConfig):
    name = "portal.supervision"
    label = "supervision"
    verbose_name = "监督渠道"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import grant_group_permissions

        post_migrate.connect(grant_group_permissions, dispatch_uid="supervision_group_permissions")
