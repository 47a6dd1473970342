"""The 帮助 menu points at the portal's own Chinese help page.

Wagtail's items ("Editor Guide", "What's new in Wagtail") open English pages
on guide.wagtail.org, which a county editor can neither read nor reach from
some government networks; they are replaced. The keyboard-shortcuts item stays.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem

from .views import HelpView

WAGTAIL_GUIDE_ITEMS = ("editor-guide",)
WAGTAIL_WHATS_NEW_PREFIX = "whats-new-in-wagtail-"


@hooks.register("register_admin_urls")
def register_help_url():
    return [path("help/", require_admin_access(HelpView.as_view()), name="portal_help")]


@hooks.register("register_help_menu_item")
def register_help_page_item():
    return MenuItem("使用帮助", reverse("portal_help"), name="portal-help", icon_name="help", order=100)


@hooks.register("construct_help_menu")
def drop_wagtail_guide(request, menu_items):
    menu_items[:] = [
        item for item in menu_items
        if item.name not in WAGTAIL_GUIDE_ITEMS and not item.name.startswith(WAGTAIL_WHATS_NEW_PREFIX)
    ]


@hooks.register("construct_homepage_panels")
def drop_whats_new_panel(request, panels):
    # "Things in Wagtail 8.0 have changed!": an English banner linking to guide.wagtail.org.
    panels[:] = [panel for panel in panels if type(panel).__name__ != "WhatsNewInWagtailVersionPanel"]
