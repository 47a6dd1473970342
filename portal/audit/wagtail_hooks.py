"""Audit trail in the admin: region-scoped log entries and their report."""

from django.apps import apps
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from .models import RegionLogEntry
from .views import AuditReportView

# Actions other parts of the portal log; labelled here unless their own app does.
ACTIONS = [
    ("registry.import", "导入", "导入了登记数据"),
    ("registry.export", "导出", "导出了登记数据"),
    ("registry.undo", "撤销导入", "撤销了一次导入"),
    ("registry.publish", "对外公开", "对外公开了机构"),
    ("registry.unpublish", "取消公开", "取消公开了机构"),
    ("supervision.status", "留言状态变更", "变更了留言办理状态"),
]


@hooks.register("register_log_actions", order=100)
def register_region_log_entries(actions):
    for model in apps.get_models():
        # Pages keep Wagtail's own page log, scoped through the page permission policy.
        if getattr(model, "region_lookup", None) and not issubclass(model, Page):
            actions.register_model(model, RegionLogEntry)
    for action, label, message in ACTIONS:
        if action not in actions.formatters:
            actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("reports/audit/", AuditReportView.as_view(), name="audit_report"),
        path("reports/audit/results/", AuditReportView.as_view(results_only=True), name="audit_report_results"),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser or request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_reports_menu_item")
def register_audit_menu_item():
    return AuditMenuItem("登记审计日志", reverse("audit_report"), name="audit-log", icon_name="history", order=50)
