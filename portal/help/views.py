"""/admin/help/: the back office explained in Chinese, for the roles that use it."""

from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from django.views.generic import TemplateView


class HelpView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "使用帮助"
    header_icon = "help"
    template_name = "help/index.html"
