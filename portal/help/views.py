"""/admin/help/: the back office explained in Chinese, for the roles that use it."""

from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin


class HelpView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "使用帮助"
    header_icon = "help"
    template_name = "help/index.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]
