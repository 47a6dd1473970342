from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "portal.prices"
    label = "prices"
    verbose_name = "价格公示"
    default_auto_field = "django.db.models.BigAutoField"
