"""The 填报任务 menu, the cycle's admin screens, the admin-home panel and the audit labels."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.helpers import ButtonHelper
from wagtail_modeladmin.options import modeladmin_register

from portal.registry import access
from portal.registry.admin_base import (
    RegionFilter,
    RegionPermissionHelper,
    RegionScopedModelAdmin,
    ScopedCreateView,
    ScopedEditView,
)
from portal.registry.forms import RegionScopedAdminForm
from portal.registry.models import Half, RegionLevel

from . import service, views
from .models import Collect, ReportingRound, Submission, SubmissionStatus

app_name = "reporting"
urlpatterns = [
    path("rounds/<int:pk>/", views.round_entry, name="round"),
    path("rounds/<int:pk>/board/", views.round_board, name="board"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="remind"),
    path("rounds/<int:pk>/rollup.xlsx", views.round_export, name="export"),
    path("submissions/<int:pk>/", views.submission_page, name="submission"),
    path("submissions/<int:pk>/upload/", views.submission_upload, name="upload"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:pk>/review/", views.submission_review, name="review"),
    path("submissions/<int:pk>/workbook/", views.submission_workbook, name="workbook"),
]


@hooks.register("register_admin_urls")
def register_reporting_urls():
    return [path("reporting-cycle/", include((urlpatterns, app_name), namespace=app_name))]


class RoundPermissionHelper(RegionPermissionHelper):
    def user_can_delete_obj(self, user, obj):
        # A round that anyone has reported to is part of the record.
        submitted = obj.submissions.exclude(status=SubmissionStatus.NOT_SUBMITTED).exists()
        return not submitted and super().user_can_delete_obj(user, obj)


class RoundButtonHelper(ButtonHelper):
    """Each round opens on the board (a reviewer) or on the user's own submission (a reporter)."""

    def open_button(self, obj, classnames_add=None):
        reviewing = service.can_review(self.request.user, obj)
        return {
            "url": reverse("reporting:round", args=[obj.pk]),
            "label": "审核看板" if reviewing else "我的报送",
            "classname": self.finalise_classname(["button-secondary", *(classnames_add or [])]),
            "title": f"打开“{obj}”",
        }

    def get_primary_button(self, obj):
        return self.open_button(obj)

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        return [self.open_button(obj, classnames_add), *super().get_buttons_for_obj(
            obj, exclude=exclude, classnames_add=classnames_add, classnames_exclude=classnames_exclude)]


class RoundRegionFilter(RegionFilter):
    """Rounds are opened by provinces and cities: only those are offered."""

    title = "发起区划"

    def lookups(self, request, model_admin):
        openers = set(access.regions_for(request.user).filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])
                      .values_list("code", flat=True))
        return [(code, label) for code, label in super().lookups(request, model_admin) if code in openers]

    def queryset(self, request, queryset):
        code = self.value()
        return queryset.filter(region__code=code) if code else queryset


class OpenRoundView(ScopedCreateView):
    """发起填报任务: the form's values go through service.open_round (which also creates the submissions)."""

    def get_instance(self):
        today = timezone.localdate()
        return ReportingRound(
            year=today.year, half=Half.H1 if today.month <= 6 else Half.H2,
            deadline=today + datetime.timedelta(days=30),
        )

    def form_valid(self, form):
        data = form.cleaned_data
        collects = [c for c, name in ((Collect.INSTITUTIONS, "collects_institutions"),
                                      (Collect.COUNTY_REPORT, "collects_county_report"),
                                      (Collect.TASK_PROGRESS, "collects_task_progress")) if data.get(name)]
        try:
            reporting_round = service.open_round(
                data["region"], data["year"], data["half"], data["deadline"], user=self.request.user,
                title=data.get("title", ""), opens_on=data.get("opens_on"), note=data.get("note", ""), collects=collects,
            )
        except service.Refused as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, f"已发起“{reporting_round}”，并通知了 {reporting_round.submissions.count()} 个报送区划。")
        return redirect("reporting:board", reporting_round.pk)


EDIT_PANELS = [
    FieldPanel("title"),
    FieldRowPanel([FieldPanel("opens_on"), FieldPanel("deadline")]),
    FieldPanel("note"),
]


class RoundEditView(ScopedEditView):
    """Only the title, dates and note change once a round is open (延期 is the usual reason)."""

    def get_edit_handler(self):
        return ObjectList(EDIT_PANELS, base_form_class=RegionScopedAdminForm).bind_to_model(ReportingRound)


class ReportingRoundAdmin(RegionScopedModelAdmin):
    model = ReportingRound
    menu_label = "填报任务"
    menu_icon = "tasks"
    menu_order = 205
    permission_helper_class = RoundPermissionHelper
    button_helper_class = RoundButtonHelper
    create_view_class = OpenRoundView
    edit_view_class = RoundEditView
    inspect_view_enabled = False
    list_display = ("__str__", "region", "period", "deadline_display", "progress")
    list_filter = (RoundRegionFilter, "year", "half")
    search_fields = ("title",)
    panels = [
        MultiFieldPanel([
            FieldPanel("region"),
            FieldRowPanel([FieldPanel("year"), FieldPanel("half")]),
            FieldPanel("title"),
        ], heading="填报任务"),
        MultiFieldPanel([
            FieldPanel("collects_institutions"), FieldPanel("collects_county_report"), FieldPanel("collects_task_progress"),
        ], heading="填报内容"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("opens_on"), FieldPanel("deadline")]),
            FieldPanel("note"),
        ], heading="时间与说明"),
    ]

    def get_queryset(self, request):
        # The rounds a user takes part in: opened in their regions, or reported to by them.
        counts = {f"n_{status}": Count("submissions", filter=Q(submissions__status=status)) for status in SubmissionStatus.values}
        qs = ReportingRound.objects.for_user(request.user).select_related("region").annotate(**counts)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def period(self, obj):
        return obj.period_label

    period.short_description = "报告期"

    def deadline_display(self, obj):
        days = obj.days_left()
        owing = obj.n_not_submitted + obj.n_returned
        if days < 0 and owing:
            return format_html('{} <span class="jk-overdue-flag">（已过 {} 天，仍有 {} 个未报送）</span>', obj.deadline, -days, owing)
        if days < 0:
            return str(obj.deadline)
        return f"{obj.deadline}（还有 {days} 天）" if days else f"{obj.deadline}（今天截止）"

    deadline_display.short_description = "截止日期"

    def progress(self, obj):
        return (f"已审核 {obj.n_approved}，待审核 {obj.n_submitted}，"
                f"已退回 {obj.n_returned}，未报送 {obj.n_not_submitted}")

    progress.short_description = "报送情况"


modeladmin_register(ReportingRoundAdmin)


@hooks.register("register_log_actions")
def register_reporting_actions(actions):
    for action, (label, message) in service.ACTIONS.items():
        actions.register_action(action, label, message)


class ReportingPanel(Component):
    """On the admin home: what the user's regions still owe, and what waits for the user's review."""

    name = "reporting"
    order = 50
    template_name = "reporting/home_panel.html"

    def __init__(self, owing, to_review):
        self.owing = owing
        self.to_review = to_review

    def get_context_data(self, parent_context):
        return {"owing": self.owing, "to_review": self.to_review}


@hooks.register("construct_homepage_panels")
def add_reporting_panel(request, panels):
    user = request.user
    visible = Submission.objects.visible_to(user).select_related("round__region", "region").defer("workbook")
    owing = [s for s in visible.owing().order_by("round__deadline") if service.can_report(user, s)
             and not service.can_review(user, s.round) and s.round.opens_on <= timezone.localdate()]
    to_review = [s for s in visible.filter(status=SubmissionStatus.SUBMITTED).order_by("submitted_at")
                 if service.can_review(user, s.round)]
    if owing or to_review:
        panels.append(ReportingPanel(owing, to_review))


@hooks.register("insert_global_admin_css")
def reporting_css():
    return format_html('<link rel="stylesheet" href="{}">', static("reporting/admin.css"))
