"""登记审计日志: the region-scoped audit report, with what changed."""

import django_filters
from wagtail.admin.views.generic.history import HistoryFilterSet
from wagtail.admin.views.reports import ReportView

from .models import RegionLogEntry


class AuditFilterSet(HistoryFilterSet):
    label = django_filters.CharFilter(label="记录名称", lookup_expr="icontains")
    region_name = django_filters.CharFilter(label="区划", lookup_expr="icontains")

    class Meta:
        model = RegionLogEntry
        fields = []


class AuditReportView(ReportView):
    page_title = "登记审计日志"
    header_icon = "history"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "audit/report_results.html"
    index_url_name = "audit_report"
    index_results_url_name = "audit_report_results"
    filterset_class = AuditFilterSet
    export_headings = {
        "timestamp": "时间", "user_display_name": "操作人", "action": "操作", "content_type": "类型",
        "label": "记录", "object_id": "编号", "region_name": "区划", "data": "变更内容",
    }
    list_export = ["timestamp", "user_display_name", "action", "content_type", "label", "object_id", "region_name", "data"]

    def get_queryset(self):
        return (
            RegionLogEntry.objects.viewable_by_user(self.request.user)
            .select_related("user", "content_type")
            .order_by("-timestamp", "-pk")
        )

    def get_filename(self):
        return "audit-log"
