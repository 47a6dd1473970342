"""报告 → 网站自查: the report in the admin, one section per indicator."""

from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .indicators import build_report
from .scope import Scope


class InspectionReportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "网站自查"
    header_icon = "glasses"
    template_name = "inspection/report.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = build_report(self.request.user)
        return context


class InspectionPanel(Component):
    """The dashboard panel: the count per indicator, red when a single veto fails."""

    name = "inspection"
    template_name = "inspection/panel.html"
    order = 90

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        if not Scope(self.request.user).is_concerned:
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context):
        return {"report": build_report(self.request.user)}
