"""报告 → 网站自查: the report in the admin, one section per indicator, and
the dashboard panel with the count per indicator."""

from django.core.cache import cache
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .checks import INDICATORS
from .indicators import build_report
from .scope import Scope

# The panel is on every visit of the admin home: its counts are kept this long
# per user (the report itself is always computed afresh, and refreshes them).
PANEL_SECONDS = 120


def _panel_key(user):
    return f"inspection:panel:{user.pk}"


def remember_counts(user, report):
    counts = {s.indicator.code: s.count for s in report.sections}
    cache.set(_panel_key(user), counts, PANEL_SECONDS)
    return counts


def panel_counts(user):
    counts = cache.get(_panel_key(user))
    return counts if counts is not None else remember_counts(user, build_report(user))


class InspectionReportView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "网站自查"
    header_icon = "glasses"
    template_name = "inspection/report.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["report"] = build_report(self.request.user)
        remember_counts(self.request.user, context["report"])
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
        counts = panel_counts(self.request.user)
        rows = [{"indicator": i, "count": counts.get(i.code, 0), "vetoed": i.single_veto and bool(counts.get(i.code))}
                for i in INDICATORS]
        return {"rows": rows}
