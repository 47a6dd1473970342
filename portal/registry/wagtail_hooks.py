"""The back-office registries (menu group 精康登记)."""

from django import forms
from django.contrib.admin import SimpleListFilter
from django.utils.html import format_html
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from search.admin import InstitutionSearchHandler

from .admin_base import NationwideModelAdmin, RegionFilter, RegionScopedModelAdmin
# Spreadsheet import/export (issue 3): listing buttons, URLs, import history.
from .spreadsheets.admin import ImportBatchFilter, ImportRecordAdmin, PublishingAdminMixin, SpreadsheetAdminMixin
from .models import (
    ActionPlan,
    CountyReport,
    Department,
    DepartmentDuty,
    DepartmentKind,
    Institution,
    JointMeeting,
    JointMeetingMember,
    Region,
    RegionAssignment,
    ServiceItem,
    Target,
    Task,
    TaskProgress,
    TaskStatus,
)


class RegionAdmin(RegionScopedModelAdmin):
    model = Region
    menu_label = "行政区划"
    menu_icon = "site"
    list_display = ("name", "code", "level", "parent", "is_standard", "is_active")
    list_filter = (RegionFilter, "level", "is_standard", "is_active")
    search_fields = ("name", "code")
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("parent")]),
        FieldRowPanel([FieldPanel("is_standard"), FieldPanel("is_active")]),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


class RegionAssignmentAdmin(RegionScopedModelAdmin):
    model = RegionAssignment
    menu_label = "用户管辖区划"
    menu_icon = "group"
    list_display = ("user", "region")
    list_filter = (RegionFilter,)
    search_fields = ("user__username", "region__name")
    panels = [FieldPanel("user"), FieldPanel("region")]


class DepartmentKindAdmin(NationwideModelAdmin):
    model = DepartmentKind
    menu_label = "部门类别"
    menu_icon = "tag"
    list_display = ("short_name", "name", "code", "aliases", "sort_order")


class DepartmentAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "departments"
    model = Department
    menu_label = "部门"
    menu_icon = "home"
    list_display = ("name", "kind", "region", "phone")
    list_filter = (RegionFilter, "kind")
    search_fields = ("name",)
    panels = [FieldPanel("region"), FieldPanel("kind"), FieldPanel("name"), FieldPanel("address"), FieldPanel("phone")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region", "kind")


class ServiceItemAdmin(SpreadsheetAdminMixin, NationwideModelAdmin):
    spreadsheet_kind = "service_items"
    model = ServiceItem
    menu_label = "服务项目"
    menu_icon = "list-ul"
    list_display = ("name", "is_national_standard", "sort_order")
    list_filter = ("is_national_standard",)
    search_fields = ("name",)


class InstitutionAdmin(PublishingAdminMixin, SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "institutions"
    model = Institution
    menu_label = "精康服务机构"
    menu_icon = "home"
    menu_order = 100
    list_display = ("select_box", "name", "county", "owner_department", "category", "total_staff_display",
                    "clients_count", "is_published")
    list_display_add_buttons = "name"
    list_filter = (RegionFilter, "owner_department", "category", "facility_type", "operation_mode", "is_published",
                   ImportBatchFilter)
    search_fields = ("name", "address", "contact_person")
    # Finds Chinese words through the search app's segmented index.
    search_handler_class = InstitutionSearchHandler
    inspect_view_fields = (
        "name", "address", "county", "owner_department", "category",
        "psychiatrists", "therapists", "counsellors", "social_workers", "other_staff",
        "clients_count", "service_visits", "contact_person", "contact_phone",
        "operation_mode", "facility_type", "services", "floor_area", "opening_hours",
        "public_phone", "supervision_phone", "green_channel_hospital", "qualified_staff",
        "latitude", "longitude", "introduction", "is_published", "updated_at",
    )
    panels = [
        MultiFieldPanel([
            FieldPanel("name"), FieldPanel("address"), FieldPanel("county"),
            FieldRowPanel([FieldPanel("owner_department"), FieldPanel("category")]),
        ], heading="基本情况（附件1）"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("psychiatrists"), FieldPanel("therapists"), FieldPanel("counsellors")]),
            FieldRowPanel([FieldPanel("social_workers"), FieldPanel("other_staff"), FieldPanel("qualified_staff")]),
        ], heading="人员情况"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("clients_count"), FieldPanel("service_visits")]),
        ], heading="服务情况"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("contact_person"), FieldPanel("contact_phone")]),
        ], heading="填报联系人（仅工作人员可见）"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("operation_mode"), FieldPanel("facility_type")]),
            FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("floor_area"), FieldPanel("opening_hours")]),
            FieldRowPanel([FieldPanel("public_phone"), FieldPanel("supervision_phone")]),
            FieldPanel("green_channel_hospital"),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            FieldPanel("introduction"),
            FieldPanel("is_published"),
        ], heading="机构查询（公众网站）"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county")

    def total_staff_display(self, obj):
        return obj.total_staff

    total_staff_display.short_description = "人员总数"


class JointMeetingAdmin(RegionScopedModelAdmin):
    model = JointMeeting
    menu_label = "联席会议机制"
    menu_icon = "group"
    list_display = ("__str__", "region", "office_seat")
    list_filter = (RegionFilter,)
    panels = [FieldPanel("region"), FieldPanel("name"), FieldPanel("office_seat"), FieldPanel("meeting_duties"), FieldPanel("office_duties")]


class JointMeetingMemberAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "members"
    model = JointMeetingMember
    menu_label = "联席会议成员"
    menu_icon = "user"
    list_display = ("name", "role", "organisation", "position", "meeting")
    list_filter = (RegionFilter, "role")
    search_fields = ("name", "organisation", "position")
    panels = [
        FieldPanel("meeting"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("sort_order")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("organisation"), FieldPanel("position")]),
        FieldPanel("phone"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__region")


class DepartmentDutyAdmin(RegionScopedModelAdmin):
    model = DepartmentDuty
    menu_label = "部门工作职责"
    menu_icon = "doc-full"
    list_display = ("department", "short_text", "meeting")
    list_filter = (RegionFilter,)
    search_fields = ("text", "department__name")
    panels = [FieldPanel("meeting"), FieldPanel("department"), FieldPanel("sort_order"), FieldPanel("text")]

    def short_text(self, obj):
        return obj.text[:40] + ("…" if len(obj.text) > 40 else "")

    short_text.short_description = "职责"


class ActionPlanAdmin(RegionScopedModelAdmin):
    model = ActionPlan
    menu_label = "实施方案"
    menu_icon = "doc-full-inverse"
    list_display = ("title", "region", "document_number", "issued_on", "start_year", "end_year")
    list_filter = (RegionFilter,)
    search_fields = ("title", "document_number")
    panels = [
        FieldPanel("region"), FieldPanel("title"), FieldPanel("document_number"), FieldPanel("issued_on"),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
    ]


class LeadDepartmentFilter(SimpleListFilter):
    title = "牵头部门"
    parameter_name = "lead"

    def lookups(self, request, model_admin):
        return [(k.code, k.short_name) for k in DepartmentKind.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(responsibilities__position=0, responsibilities__kind__code=self.value())
        return queryset


class OverdueFilter(SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", "已逾期"), ("0", "未逾期")]

    def queryset(self, request, queryset):
        overdue = queryset.overdue(timezone.localdate())
        if self.value() == "1":
            return overdue
        if self.value() == "0":
            return queryset.exclude(pk__in=overdue.values("pk"))
        return queryset


class TaskAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "tasks"
    model = Task
    menu_label = "任务分工"
    menu_icon = "tasks"
    list_display = ("number_label", "short_text", "lead_department", "departments", "deadline_text", "status", "overdue_flag")
    list_filter = (RegionFilter, "status", LeadDepartmentFilter, OverdueFilter, "action_number", "plan")
    search_fields = ("text", "group_title", "action_title")
    ordering = ("plan", "number")
    list_per_page = 100
    panels = [
        FieldPanel("plan"),
        FieldRowPanel([FieldPanel("action_number"), FieldPanel("action_title")]),
        FieldRowPanel([FieldPanel("group_number"), FieldPanel("group_title")]),
        FieldPanel("number"),
        FieldPanel("text"),
        FieldPanel("scope"),
        InlinePanel("responsibilities", heading="责任部门（第一位为牵头部门）", label="责任部门", min_num=1),
        FieldRowPanel([FieldPanel("deadline_text"), FieldPanel("deadline"), FieldPanel("is_ongoing")]),
        FieldPanel("status"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan").prefetch_related("responsibilities__kind")

    def number_label(self, obj):
        return f"({obj.number})"

    number_label.short_description = "序号"
    number_label.admin_order_field = "number"

    def short_text(self, obj):
        return obj.text[:36] + ("…" if len(obj.text) > 36 else "")

    short_text.short_description = "具体任务"

    def lead_department(self, obj):
        lead = obj.lead_kind
        return format_html("<strong>{}</strong>", lead.short_name) if lead else "—"

    lead_department.short_description = "牵头部门"

    def departments(self, obj):
        return obj.departments_text

    departments.short_description = "责任部门"

    def overdue_flag(self, obj):
        if obj.is_overdue:
            return format_html('<span class="w-status w-status--label" style="color:#b30000;font-weight:bold">{}</span>', "已逾期")
        if obj.status == TaskStatus.DONE:
            return "已完成"
        return "—"

    overdue_flag.short_description = "逾期"


class TaskProgressAdmin(RegionScopedModelAdmin):
    model = TaskProgress
    menu_label = "任务进展"
    menu_icon = "date"
    list_display = ("date", "task", "region", "short_note", "author")
    list_filter = (RegionFilter, "date")
    search_fields = ("note",)
    panels = [FieldPanel("task"), FieldPanel("region"), FieldPanel("date"), FieldPanel("note")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task", "region", "author")

    def short_note(self, obj):
        return obj.note[:40]

    short_note.short_description = "进展情况"


class TargetAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "targets"
    model = Target
    menu_label = "年度目标"
    menu_icon = "pick"
    list_display = ("region", "year", "coverage_unit", "coverage_pct", "standard_service_rate_pct", "source")
    list_filter = (RegionFilter, "year", "coverage_unit")
    panels = [
        FieldRowPanel([FieldPanel("region"), FieldPanel("year")]),
        FieldPanel("coverage_unit"),
        FieldRowPanel([FieldPanel("coverage_pct"), FieldPanel("standard_service_rate_pct")]),
        FieldPanel("source"),
    ]


class CountyReportAdmin(SpreadsheetAdminMixin, RegionScopedModelAdmin):
    spreadsheet_kind = "county_reports"
    model = CountyReport
    menu_label = "县级进展报告"
    menu_icon = "table"
    list_display = ("county", "year", "half", "offers_service", "registered_clients", "standard_service_clients", "rate_display")
    list_filter = (RegionFilter, "year", "half", "offers_service")
    panels = [
        FieldRowPanel([FieldPanel("county"), FieldPanel("year"), FieldPanel("half")]),
        FieldPanel("offers_service"),
        FieldRowPanel([FieldPanel("townships_total"), FieldPanel("townships_with_service")]),
        FieldRowPanel([FieldPanel("registered_clients"), FieldPanel("standard_service_clients")]),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county")

    def rate_display(self, obj):
        rate = obj.standard_service_rate
        return "—" if rate is None else f"{rate:.1%}"

    rate_display.short_description = "规范服务率"


@modeladmin_register
class RegistryGroup(ModelAdminGroup):
    menu_label = "精康登记"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        InstitutionAdmin, ServiceItemAdmin, JointMeetingAdmin, JointMeetingMemberAdmin, DepartmentDutyAdmin,
        ActionPlanAdmin, TaskAdmin, TaskProgressAdmin, TargetAdmin, CountyReportAdmin,
        RegionAdmin, DepartmentAdmin, DepartmentKindAdmin, RegionAssignmentAdmin,
        ImportRecordAdmin,
    )
