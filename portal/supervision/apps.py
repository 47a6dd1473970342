from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "portal.supervision"
    label = "supervision"
    verbose_name = "监督渠道"
    default_auto_field = "django.db.models.BigAutoField"
