"""Back office of the supervision channel: the inbox and the hotlines (menu 监督渠道)."""

from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from portal.registry.admin_base import RegionFilter, RegionPermissionHelper, RegionScopedModelAdmin, ScopedEditView
from portal.registry.spreadsheets.admin import SpreadsheetAdminMixin

from .models import Hotline, SupervisionMessage
from .services import STATUS_ACTION, record_status_change


class InboxPermissionHelper(RegionPermissionHelper):
    # Messages only ever come from the public form.
    def user_can_create(self, user):
        return False


class MessageEditView(ScopedEditView):
    def form_valid(self, form):
        old_status = SupervisionMessage.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        if form.instance.handler_id is None:
            form.instance.handler = self.request.user
        response = super().form_valid(form)
        record_status_change(self.instance, old_status, self.request.user)
        return response




class SupervisionMessageAdmin(RegionScopedModelAdmin):
    model = SupervisionMessage
    menu_label = "留言办理"
    menu_icon = "mail"
    permission_helper_class = InboxPermissionHelper
    edit_view_class = MessageEditView
    list_display = ("reference", "concerns", "region", "received_at", "status", "due_date", "overdue_flag")
    list_filter = (RegionFilter, "status", "publish_qa")
    search_fields = ("reference", "concerns", "content")
    inspect_view_fields = (
        "reference", "region", "concerns", "content", "contact_name", "contact_phone", "contact_email",
        "received_at", "due_date", "status", "handler", "reply", "replied_at", "publish_qa", "public_question",
    )
    panels = [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("region", read_only=True), FieldPanel("concerns", read_only=True)]),
            FieldPanel("content", read_only=True),
        ], heading="留言内容"),
        MultiFieldPanel([
            FieldRowPanel([
                FieldPanel("contact_name", read_only=True), FieldPanel("contact_phone", read_only=True),
                FieldPanel("contact_email", read_only=True),
            ]),
        ], heading="留言人联系方式（仅本地区办理人员可见，请勿外传）"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("status"), FieldPanel("due_date")]),
            FieldPanel("reply"),
        ], heading="办理与答复"),
        MultiFieldPanel([FieldPanel("publish_qa"), FieldPanel("public_question")], heading="公开问答"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")

    def get_extra_attrs_for_row(self, obj, context):
        return {"class": "jk-overdue"} if obj.is_overdue else {}

    def overdue_flag(self, obj):
        if obj.is_overdue_on(timezone.localdate()):
            return format_html('<strong class="jk-overdue-flag">{}</strong>', "已超期")
        return "—"

    overdue_flag.short_description = "是否超期"


class HotlineAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    # Import and export as a flat sheet (portal/registry/spreadsheets/flat.py).
    spreadsheet_kind = "hotlines"
    model = Hotline
    menu_label = "监督电话"
    menu_icon = "mobile-alt"
    list_display = ("name", "number", "region", "department", "hours", "official_account")
    list_filter = (RegionFilter,)
    search_fields = ("name", "number")
    panels = [
        FieldRowPanel([FieldPanel("region"), FieldPanel("department")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("number"), FieldPanel("hours")]),
        FieldRowPanel([FieldPanel("official_account"), FieldPanel("sort_order")]),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region", "department")


@modeladmin_register
class SupervisionGroup(ModelAdminGroup):
    menu_label = "监督渠道"
    menu_icon = "mail"
    menu_order = 210
    items = (SupervisionMessageAdmin, HotlineAdmin)


@hooks.register("register_log_actions")
def register_status_action(actions):
    @actions.register_action(STATUS_ACTION)
    class StatusChange(LogFormatter):
        label = "监督留言状态变更"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return f"办理状态：{data.get('from_label', '')} → {data.get('to_label', '')}"


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
