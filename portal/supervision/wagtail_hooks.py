"""Back office of the supervision channel: the inbox, the hotlines (menu 监督渠道)
and the ratings report (报告 → 留言评价汇总)."""

from django.contrib.admin import SimpleListFilter
from django.db.models import OuterRef, Subquery
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.log_actions import LogFormatter
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from portal.registry.admin_base import RegionFilter, RegionPermissionHelper, RegionScopedModelAdmin, ScopedEditView
from portal.registry.wagtail_hooks import OverdueFilter as TaskOverdueFilter
from portal.registry.spreadsheets.admin import SpreadsheetAdminMixin

from .forms import MessageHandlingForm
from .models import Hotline, MessageRating, Rating, SupervisionMessage
from .reports import RatingsReportView
from .services import RATING_ACTION, STATUS_ACTION, record_status_change


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


class OverdueFilter(TaskOverdueFilter):
    """The tasks' filter (queryset.overdue), in the inbox's words."""

    title = "是否超期"

    def lookups(self, request, model_admin):
        return [("1", "已超期"), ("0", "未超期")]


class RatingFilter(SimpleListFilter):
    """By the latest rating of the message (好差评), or not rated yet."""

    title = "评价"
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [*Rating.choices, ("none", "未评价")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(ratings__isnull=True)
        return queryset.annotate(latest_rating_value=latest_rating_value()).filter(latest_rating_value=value)


def latest_rating_value():
    return Subquery(MessageRating.objects.filter(message=OuterRef("pk")).order_by("-rated_at", "-pk").values("rating")[:1])


class SupervisionMessageAdmin(RegionScopedModelAdmin):
    model = SupervisionMessage
    menu_label = "留言办理"
    menu_icon = "mail"
    permission_helper_class = InboxPermissionHelper
    edit_view_class = MessageEditView
    list_display = (
        "reference", "message_type", "concerns", "region", "received_at", "status", "due_date", "overdue_flag",
        "rating_flag",
    )
    list_filter = (RegionFilter, "message_type", "status", OverdueFilter, RatingFilter, "publish_qa")
    search_fields = ("reference", "concerns", "content")
    inspect_view_fields = (
        "reference", "message_type", "region", "concerns", "content", "contact_name", "contact_phone",
        "contact_email", "received_at", "due_date", "status", "handler", "reply", "replied_at", "reopened_at",
        "publish_qa", "public_question",
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
        HelpPanel(template="supervision/panels/follow_up_history.html", heading="评价与回访"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("callback_on"), FieldPanel("callback_method")]),
            FieldPanel("callback_result"),
        ], heading="记录回访", help_text="留言人评价“不满意”后，须先联系留言人回访并在此记录，才能再次答复。"),
        MultiFieldPanel([FieldPanel("publish_qa"), FieldPanel("public_question")], heading="公开问答"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").prefetch_related("ratings")

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        edit_handler.base_form_class = MessageHandlingForm
        return edit_handler

    def get_extra_attrs_for_row(self, obj, context):
        return {"class": "jk-overdue"} if obj.is_overdue else {}

    def rating_flag(self, obj):
        rating = obj.latest_rating()
        if rating is None:
            return "—"
        if rating.rating == Rating.DISSATISFIED:
            return format_html('<strong class="jk-overdue-flag">{}</strong>', rating.get_rating_display())
        return rating.get_rating_display()

    rating_flag.short_description = "评价"

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

    @actions.register_action(RATING_ACTION)
    class RatingGiven(LogFormatter):
        label = "留言人评价答复"

        def format_message(self, log_entry):
            return f"留言人评价：{(log_entry.data or {}).get('rating_label', '')}"


@hooks.register("register_admin_urls")
def register_ratings_report_urls():
    return [
        path("reports/supervision-ratings/", RatingsReportView.as_view(), name="supervision_ratings"),
        path("reports/supervision-ratings/results/", RatingsReportView.as_view(results_only=True),
             name="supervision_ratings_results"),
    ]


class RatingsReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("supervision.view_supervisionmessage")


@hooks.register("register_reports_menu_item")
def register_ratings_report_menu_item():
    return RatingsReportMenuItem(
        "留言评价汇总", reverse("supervision_ratings"), name="supervision-ratings", icon_name="mail", order=60,
    )


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
