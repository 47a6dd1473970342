"""Admin screens of the cycle: the reviewer's board and each submission's page.

Thin shells over ``service``. Every screen finds its rows through the region
scope: a submission through ``Submission.objects.visible_to(user)`` (a county
sees only its own, a city its counties' and its own), a board only for a
round the user may review; anything else is a 404.
"""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from portal.audit.models import RegionLogEntry
from portal.registry.models import CountyReport, Institution, RegionLevel

from . import board as board_figures
from . import rollup, service
from .forms import FiguresForm, ReviewForm, StatusFilterForm, SubmitForm, UploadForm
from .models import REPORT_FIELDS, ReportingRound, Submission, SubmissionSource, SubmissionStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRY_PREVIEW_LIMIT = 300


def file_response(data, filename, content_type=XLSX):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


# ------------------------------------------------------------------ rounds

def _round_for_reviewer(request, pk):
    """A round the user may review; a round they only report to sends them to their submission."""
    reporting_round = get_object_or_404(ReportingRound.objects.for_user(request.user).select_related("region"), pk=pk)
    if not service.can_review(request.user, reporting_round):
        raise PermissionDenied
    return reporting_round


def round_entry(request, pk):
    """Where the 填报任务 list links: the board for a reviewer, the user's own submission for a reporter."""
    reporting_round = get_object_or_404(ReportingRound.objects.for_user(request.user), pk=pk)
    if service.can_review(request.user, reporting_round):
        return redirect("reporting:board", reporting_round.pk)
    own = reporting_round.submissions.visible_to(request.user).order_by("region__path").first()
    if own is None:
        raise Http404("没有找到该填报任务。")
    return redirect("reporting:submission", own.pk)


def round_board(request, pk):
    reporting_round = _round_for_reviewer(request, pk)
    filters = StatusFilterForm(request.GET or None)
    if request.GET and not filters.is_valid():
        return TemplateResponse(request, "reporting/bad_request.html",
                                {"message": "筛选条件无效，请从页面上的筛选项中选择。",
                                 "back": reverse("reporting:board", args=[pk])}, status=400)
    chosen = filters.cleaned_data.get("status") if filters.is_bound else ""
    submissions = reporting_round.submissions.visible_to(request.user)
    rows, approved = board_figures.board(reporting_round, submissions)
    if chosen == "overdue":
        rows = [r for r in rows if r.overdue]
    elif chosen:
        rows = [r for r in rows if r.status == chosen]
    # A city's own submission to the province for the same period.
    upward = Submission.objects.filter(region=reporting_round.region, round__year=reporting_round.year,
                                       round__half=reporting_round.half)
    context = {
        "round": reporting_round, "rows": rows, "approved": approved, "chosen": chosen,
        "status_counts": board_figures.status_counts(reporting_round),
        "filter_choices": filters.fields["status"].choices,
        "owing": reporting_round.submissions.owing().count(),
        "days_left": reporting_round.days_left(),
        "overdue_days": max(0, -reporting_round.days_left()),
        "own_submission": upward.visible_to(request.user).first(),
        "can_edit": request.user.has_perm("reporting.change_reportinground"),
    }
    return TemplateResponse(request, "reporting/board.html", context)


@require_POST
def round_remind(request, pk):
    reporting_round = _round_for_reviewer(request, pk)
    reminded = service.remind(reporting_round, request.user)
    without = [s.region.name for s, to in reminded if not to]
    if not reminded:
        messages.info(request, "所有区划都已报送，无需催报。")
    else:
        text = f"已向 {len(reminded) - len(without)} 个未报送的区划发送催报邮件。"
        if without:
            text += f"以下区划没有设置了邮箱的管理员，请电话催报：{'、'.join(without)}。"
        messages.success(request, text)
    return redirect("reporting:board", reporting_round.pk)


def round_export(request, pk):
    reporting_round = _round_for_reviewer(request, pk)
    data, filename = rollup.workbook(reporting_round)
    log(instance=reporting_round, action="reporting.export", user=request.user, data={"file": filename})
    return file_response(data, filename)


# ------------------------------------------------------------------ submissions

def _submission(request, pk):
    queryset = Submission.objects.visible_to(request.user).select_related(
        "round__region", "region", "submitted_by", "reviewed_by").defer("workbook")
    return get_object_or_404(queryset, pk=pk)


def _figures_initial(submission):
    """What the county's figures form starts with: its last snapshot, else the registry's report."""
    reporting_round = submission.round
    snapshot = submission.reports.filter(county=submission.region).first()
    live = CountyReport.objects.filter(county=submission.region, year=reporting_round.year, half=reporting_round.half).first()
    source = snapshot or live
    return {f: getattr(source, f) for f in REPORT_FIELDS} if source else {}


def _needs_figures_form(submission):
    return submission.round.collects_county_report and submission.region.level == RegionLevel.COUNTY


def _page(request, submission, status=200, **extra):
    user = request.user
    reporting_round = submission.round
    can_report = service.can_report(user, submission) and submission.is_owing
    can_review = (service.can_review(user, reporting_round) and submission.status == SubmissionStatus.SUBMITTED
                  and submission.submitted_by_id != user.pk)
    context = {
        "submission": submission, "round": reporting_round, "can_report": can_report, "can_review": can_review,
        "is_reviewer": service.can_review(user, reporting_round),
        "institutions": submission.institutions.select_related("county"),
        "reports": submission.reports.select_related("county"),
        "tasks": submission.tasks.all(),
        "history": RegionLogEntry.objects.for_instance(submission).select_related("user").order_by("timestamp", "pk"),
        "review_form": ReviewForm(), "upload_form": UploadForm(),
        "findings": [], "preview": None,
        "statuses": SubmissionStatus,
    }
    if can_report:
        if _needs_figures_form(submission) and "figures_form" not in extra:
            context["figures_form"] = FiguresForm(initial=_figures_initial(submission), prefix="figures")
        if reporting_round.collects_institutions:
            registry = Institution.objects.within(submission.region)
            context["registry_count"] = registry.count()
            context["registry_rows"] = registry.select_related("county").order_by("county__path", "name")[:REGISTRY_PREVIEW_LIMIT]
        if submission.region.level == RegionLevel.CITY:
            context["rollup_round"] = service.lower_round(submission)
            context["rollup_blockers"] = service.rollup_blockers(submission)
    context.update(extra)
    context.setdefault("warning_note", submission.warning_note)
    context["default_source"] = _default_source(context)
    return TemplateResponse(request, "reporting/submission.html", context, status=status)


def _default_source(context):
    """The way of reporting preselected on the page: what was just tried, a good upload, the roll-up, the registry."""
    if context.get("submit_source"):
        return context["submit_source"]
    if (context.get("preview") or {}).get("ok"):
        return SubmissionSource.UPLOAD
    if context.get("rollup_round") and not context.get("rollup_blockers"):
        return SubmissionSource.ROLLUP
    return SubmissionSource.REGISTRY


def submission_page(request, pk):
    return _page(request, _submission(request, pk))


def _ensure_reporter(request, submission):
    if not service.can_report(request.user, submission):
        raise PermissionDenied


@require_POST
def submission_upload(request, pk):
    submission = _submission(request, pk)
    _ensure_reporter(request, submission)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, submission, status=400, upload_form=form)
    upload = form.cleaned_data["file"]
    try:
        plan = service.preview_upload(submission, upload.read(), upload.name, request.user)
    except service.Refused as exc:
        return _page(request, submission, status=400, upload_form=form, upload_error=exc.message)
    preview = plan.preview_data()
    preview.update(ok=plan.ok, summary=plan.summary(), errors=plan.error_report().splitlines(),
                   warnings=plan.warning_report().splitlines())
    submission.refresh_from_db(fields=["workbook_name", "workbook_sha256"])
    return _page(request, submission, status=200 if plan.ok else 400, preview=preview)


@require_POST
def submission_submit(request, pk):
    submission = _submission(request, pk)
    _ensure_reporter(request, submission)
    form = SubmitForm(request.POST)
    figures_form = FiguresForm(request.POST, prefix="figures") if _needs_figures_form(submission) else None
    valid = form.is_valid()
    if figures_form is not None:
        valid = figures_form.is_valid() and valid
    extra = {"figures_form": figures_form} if figures_form is not None else {}
    if not valid:
        return _page(request, submission, status=400, submit_form=form, **extra)
    source = form.cleaned_data["source"]
    figures = {f: figures_form.cleaned_data[f] for f in REPORT_FIELDS} if figures_form is not None else None
    try:
        warned = service.submit(
            submission, request.user, source, figures=figures, warning_note=form.cleaned_data["warning_note"],
            workbook_sha256=form.cleaned_data["workbook_sha256"] or None,
        )
    except service.Refused as exc:
        return _page(request, submission, status=400, refusal=exc, findings=exc.findings,
                     needs_note=isinstance(exc, service.NeedsNote), submit_source=source,
                     warning_note=form.cleaned_data["warning_note"], **extra)
    text = f"已报送，等待{submission.round.reviewer_level_label}审核。"
    if warned:
        text += f"报送附有 {len(warned)} 条提示及您的情况说明。"
    messages.success(request, text)
    return redirect("reporting:submission", submission.pk)


@require_POST
def submission_review(request, pk):
    submission = _submission(request, pk)
    if not service.can_review(request.user, submission.round):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, submission, status=400, review_form=form)
    try:
        if form.cleaned_data["decision"] == "approve":
            service.approve(submission, request.user)
            messages.success(request, f"{submission.region.name}的报送已审核通过并锁定。")
        else:
            service.return_submission(submission, request.user, form.cleaned_data["reason"], form.row_notes(request.POST))
            messages.success(request, f"已退回{submission.region.name}的报送，并通知其管理员。")
    except service.Refused as exc:
        return _page(request, submission, status=400, review_form=form, review_error=exc.message)
    return redirect("reporting:board", submission.round_id)


def submission_workbook(request, pk):
    submission = _submission(request, pk)
    data = Submission.objects.filter(pk=submission.pk).values_list("workbook", flat=True).first()
    if not data:
        raise Http404("该报送没有上传的表格。")
    name = submission.workbook_name or "附件1.xlsx"
    return file_response(bytes(data), name, mimetypes.guess_type(name)[0] or "application/octet-stream")
