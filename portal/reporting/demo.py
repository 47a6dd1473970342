"""The demo's reporting cycle (run by ``manage.py load_demo``, idempotent).

鞍山 has approved rounds for every half-year since 2023 下半年 (progress
figures only, loaded from the sample county reports), and the 2026 下半年
round under way with counties in every status: approved, submitted (one with
a warning and its explanation), returned with a reason and a row note, and
not yet reported. 辽宁 has opened its own 2026 下半年 round for its cities.
Every round, reason and note is marked （示例）; the figures are the sample
county reports and institutions, so they agree with the registry. The
current round is replayed through ``service`` (as the server's operator, with
notices muted), so its snapshots and audit log are exactly what real use leaves.
A round that already exists is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from portal.audit.models import RegionLogEntry
from portal.registry.models import CountyReport, Half, Region

from . import notify, service
from .models import REPORT_FIELDS, Collect, ReportingRound, Submission, SubmissionSource, SubmissionStatus, SubmittedReport

ANSHAN = "210300"
LIAONING = "210000"
SAMPLE = "（示例）"

HISTORY = [(2023, Half.H2), (2024, Half.H1), (2024, Half.H2), (2025, Half.H1), (2025, Half.H2), (2026, Half.H1)]
CURRENT = (2026, Half.H2)
CURRENT_OPENS = datetime.date(2026, 11, 16)
CURRENT_DEADLINE = datetime.date(2026, 12, 10)
PROVINCE_DEADLINE = datetime.date(2026, 12, 25)

RETURN_REASON = f"部分机构的患者人数与服务人次明显不符，请逐项核实后重新报送{SAMPLE}。"
ROW_NOTE = f"服务人次不足患者人数的 5 倍，与全年开放不符，请核实{SAMPLE}"
SURGE_NOTE = f"本期开展入户排查，新登记康复对象较多，已逐一核实{SAMPLE}。"

# County code → what has happened to its 2026 下半年 submission.
CURRENT_STATUS = {
    "210302": SubmissionStatus.RETURNED,       # 铁东区
    "210303": SubmissionStatus.APPROVED,       # 铁西区
    "210304": SubmissionStatus.APPROVED,       # 立山区
    "210311": SubmissionStatus.SUBMITTED,      # 千山区: with a warning and its explanation
    "210321": SubmissionStatus.APPROVED,       # 台安县
    "210323": SubmissionStatus.SUBMITTED,      # 岫岩满族自治县
    "210381": SubmissionStatus.APPROVED,       # 海城市
    # 鞍山高新区 and 鞍山经济开发区 have not reported yet.
}
SURGE_COUNTY = "210311"


def half_deadline(year, half):
    """When a half-year's figures are due: 10 July, or 10 January of the next year."""
    return datetime.date(year, 7, 10) if half == Half.H1 else datetime.date(year + 1, 1, 10)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _open(region, year, half, deadline, opens_on, collects):
    if ReportingRound.objects.filter(region=region, year=year, half=half).exists():
        return None
    return service.open_round(
        region, year, half, deadline, title=f"{service.default_title(region, year, half)}{SAMPLE}",
        opens_on=opens_on, collects=collects,
        note=f"请各{'县（市、区）' if region.code == ANSHAN else '市'}民政部门会同卫健、残联汇总本地数据，按时报送{SAMPLE}。",
    )


def _date(submission, submitted_on, reviewed_on=None):
    """Put the demo's transitions (and their audit entries) on plausible days, not the day it was loaded."""
    fields = {"submitted_at": _at(submitted_on, 10)}
    entries = RegionLogEntry.objects.for_instance(submission)
    entries.filter(action="reporting.submit").update(timestamp=fields["submitted_at"])
    if reviewed_on is not None:
        fields["reviewed_at"] = _at(reviewed_on, 15)
        entries.filter(action__in=["reporting.approve", "reporting.return"]).update(timestamp=fields["reviewed_at"])
    type(submission).objects.filter(pk=submission.pk).update(**fields)


def load_history(anshan):
    """Approved rounds of progress figures for every half-year before the current one.

    Loaded in bulk from the sample county reports, as an office would load the
    figures it approved on paper before the portal existed: no transitions to
    replay, so no audit entries for them.
    """
    counties = list(anshan.children.filter(is_active=True).order_by("path"))
    for year, half in HISTORY:
        if ReportingRound.objects.filter(region=anshan, year=year, half=half).exists():
            continue
        deadline = half_deadline(year, half)
        reporting_round = ReportingRound.objects.create(
            region=anshan, year=year, half=half, deadline=deadline, opens_on=deadline - datetime.timedelta(days=25),
            title=f"{service.default_title(anshan, year, half)}{SAMPLE}", collects_institutions=False,
            collects_county_report=True, note=f"历史数据：按当时审核通过的报表录入{SAMPLE}。",
        )
        submissions = Submission.objects.bulk_create(
            Submission(round=reporting_round, region=county, status=SubmissionStatus.APPROVED,
                       source=SubmissionSource.REGISTRY, submitted_at=_at(deadline - datetime.timedelta(days=6), 10),
                       reviewed_at=_at(deadline - datetime.timedelta(days=2), 15))
            for county in counties
        )
        by_county = {s.region_id: s for s in submissions}
        SubmittedReport.objects.bulk_create(
            SubmittedReport(submission=by_county[r.county_id], county_id=r.county_id,
                            **{f: getattr(r, f) for f in REPORT_FIELDS})
            for r in CountyReport.objects.filter(county__in=counties, year=year, half=half)
        )


def load_current(anshan):
    year, half = CURRENT
    reporting_round = _open(anshan, year, half, CURRENT_DEADLINE, CURRENT_OPENS,
                            [Collect.INSTITUTIONS, Collect.COUNTY_REPORT])
    if reporting_round is None:
        return
    for offset, submission in enumerate(reporting_round.submissions.select_related("region", "round").order_by("region__path")):
        status = CURRENT_STATUS.get(submission.region.code)
        if status is None:
            continue
        submitted_on = CURRENT_OPENS + datetime.timedelta(days=2 + offset % 5)
        figures, note = None, ""
        if submission.region.code == SURGE_COUNTY:
            figures, note = _surge_figures(submission.region, year, half), SURGE_NOTE
        service.submit(submission, None, SubmissionSource.REGISTRY, figures=figures, warning_note=note,
                       today=submitted_on)
        reviewed_on = None
        if status == SubmissionStatus.APPROVED:
            service.approve(submission, None)
            reviewed_on = submitted_on + datetime.timedelta(days=1)
        elif status == SubmissionStatus.RETURNED:
            first = submission.institutions.order_by("name").first()
            service.return_submission(submission, None, RETURN_REASON, {first.pk: ROW_NOTE} if first else {})
            reviewed_on = submitted_on + datetime.timedelta(days=1)
        _date(submission, submitted_on, reviewed_on)


def _surge_figures(county, year, half):
    """The sample report with many more registered clients than the last approved half-year (a warning)."""
    report = CountyReport.objects.get(county=county, year=year, half=half)
    registered = report.registered_clients * 5 // 3
    return {
        "offers_service": True, "townships_total": report.townships_total,
        "townships_with_service": report.townships_with_service, "registered_clients": registered,
        "standard_service_clients": min(registered, report.standard_service_clients * 3 // 2),
    }


def load_province_round():
    year, half = CURRENT
    _open(Region.objects.get(code=LIAONING), year, half, PROVINCE_DEADLINE, CURRENT_OPENS,
          [Collect.INSTITUTIONS, Collect.COUNTY_REPORT])


def load_rounds():
    anshan = Region.objects.get(code=ANSHAN)
    with notify.muted(), transaction.atomic():
        load_history(anshan)
        load_current(anshan)
        load_province_round()
        ReportingRound.objects.filter(title__endswith=SAMPLE).update(is_sample=True)
    return ReportingRound.objects.filter(region__code__in=[ANSHAN, LIAONING]).count()
