from django.apps import AppConfig


class HelpConfig(AppConfig):
    """The admin's 帮助 menu and its Chinese help page (instead of Wagtail's English guide)."""

    name = "portal.help"
    label = "help"
    verbose_name = "使用帮助"
