from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "portal.reporting"
    label = "reporting"
    verbose_name = "填报任务"
    default_auto_field = "django.db.models.BigAutoField"
