"""The self-inspection in the admin: 报告 → 网站自查, the dashboard panel, the
editor's accessibility checker."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .accessibility import use_portal_checker
from .views import InspectionPanel, InspectionReportView


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/inspection/", InspectionReportView.as_view(), name="inspection_report")]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    # Everyone with admin access: each sees only the items they can fix (scope.py).
    return MenuItem("网站自查", reverse("inspection_report"), name="inspection", icon_name="glasses", order=40)


@hooks.register("construct_homepage_panels")
def add_inspection_panel(request, panels):
    panels.append(InspectionPanel(request))


hooks.register("construct_wagtail_userbar", use_portal_checker)


@hooks.register("insert_global_admin_css")
def inspection_css():
    return format_html('<link rel="stylesheet" href="{}">', static("inspection/admin.css"))
