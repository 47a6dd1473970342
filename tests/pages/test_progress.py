"""工作进展: the figures computed from targets and approved county figures, and the SVG chart."""

import datetime
from decimal import Decimal

import pytest

from portal.pages.charts import bar_chart
from portal.pages.progress import region_progress
from portal.registry.models import CoverageUnit, Region, Target
from portal.reporting.models import ReportingRound, Submission, SubmissionStatus, SubmittedReport

pytestmark = pytest.mark.django_db


def county_figures(county, year, half, status=SubmissionStatus.APPROVED, **figures):
    """A county's figures in its city's round for that half-year, in the given status."""
    reporting_round, _ = ReportingRound.objects.get_or_create(
        region=county.parent, year=year, half=half, defaults={"deadline": datetime.date(year, 12, 31)})
    submission = Submission.objects.create(round=reporting_round, region=county)
    report = SubmittedReport.objects.create(submission=submission, county=county, **figures)
    Submission.objects.filter(pk=submission.pk).update(status=status)  # the snapshot first, then the lock
    return report


@pytest.fixture
def anshan(regions):
    anshan = regions["210300"]
    Target.objects.create(region=anshan, year=2024, coverage_pct=65, standard_service_rate_pct=45)
    return anshan


def test_latest_report_of_the_year_counts(anshan):
    counties = list(Region.objects.filter(parent=anshan).order_by("code"))
    county_figures(counties[0], 2024, "H1", offers_service=False, registered_clients=100, standard_service_clients=0)
    county_figures(counties[0], 2024, "H2", offers_service=True, registered_clients=100, standard_service_clients=50)
    county_figures(counties[1], 2024, "H1", offers_service=True, registered_clients=300, standard_service_clients=100)
    progress = region_progress(anshan)
    [year] = progress.years
    assert year.year == 2024 and year.counties_total == len(counties) and year.counties_reporting == 2
    assert year.coverage == (Decimal(200) / len(counties)).quantize(Decimal("0.1"))
    assert year.rate == Decimal("37.5")  # (50 + 100) / (100 + 300)
    assert year.coverage_target == 65 and year.rate_met is False
    assert progress.latest_period == "2024年下半年" and progress.reviewed_by == "市级"
    rows = {row.county.code: row for row in progress.counties}
    assert rows[counties[0].code].rate == Decimal("50.0")
    # Only the latest period's figures fill the county table.
    assert rows[counties[1].code].report is None and rows[counties[2].code].report is None


@pytest.mark.parametrize("status", [SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, SubmissionStatus.NOT_SUBMITTED])
def test_figures_not_yet_approved_are_not_published(anshan, status):
    county = Region.objects.filter(parent=anshan).order_by("code").first()
    county_figures(county, 2024, "H1", offers_service=True, registered_clients=100, standard_service_clients=60)
    county_figures(county, 2024, "H2", status=status, offers_service=True, registered_clients=100, standard_service_clients=99)
    progress = region_progress(anshan)
    assert progress.latest_period == "2024年上半年"
    assert progress.years[0].standard == 60


def test_a_city_without_targets_uses_its_province_targets(regions):
    Target.objects.create(region=regions["210000"], year=2025, coverage_pct=80, standard_service_rate_pct=60)
    progress = region_progress(regions["210200"])
    assert [(y.year, y.coverage_target) for y in progress.years] == [(2025, 80)]


def test_township_coverage_for_regions_counted_by_township(regions):
    shanghai = regions["310000"]
    Target.objects.create(region=shanghai, year=2024, coverage_unit=CoverageUnit.TOWNSHIP, coverage_pct=65,
                          standard_service_rate_pct=45)
    district = Region.objects.filter(parent=shanghai).first()
    county_figures(district, 2024, "H2", offers_service=True, townships_total=10, townships_with_service=7,
                   registered_clients=10, standard_service_clients=5)
    assert region_progress(shanghai).years[0].coverage == Decimal("70.0")


def test_chart_geometry_scales_to_percent():
    chart = bar_chart([("2023年", Decimal("50"), Decimal("50")), ("2024年", None, Decimal("65"))])
    first, second = chart["bars"]
    from portal.pages.charts import TOP

    assert first.height == pytest.approx((chart["bottom"] - TOP) / 2, abs=0.2)
    # A full bar leaves room above it for its value label.
    full = bar_chart([("2026年", Decimal("100"), None)])["bars"][0]
    assert full.value_y >= 13
    assert first.met is True and second.value is None and second.target_y is not None


def test_progress_page_draws_svg_and_table(site_demo, client):
    html = client.get("/jinzhan/").content.decode()
    assert html.count("<svg") == 2 and "<rect" in html
    assert "登记康复对象接受规范服务率" in html and "各县（市、区）情况" in html


def test_progress_page_shows_only_approved_figures_and_their_period(site_demo, client):
    from portal.reporting.models import SubmittedReport as Report

    html = client.get("/jinzhan/").content.decode()
    assert "数据截至 2026年下半年，经市级审核" in html
    # The demo's 千山区 has submitted 2026 下半年 figures that are not approved yet.
    waiting = Report.objects.get(submission__region__code="210311", submission__round__year=2026,
                                 submission__round__half="H2")
    assert waiting.submission.status == SubmissionStatus.SUBMITTED
    row = html[html.index("<th scope=\"row\">千山区</th>"):][:200]
    assert "尚无审核通过的数据" in row and str(waiting.registered_clients) not in row


def test_joint_meeting_page_never_shows_member_phones(site_demo, client):
    from portal.registry.models import JointMeetingMember, Task

    member = JointMeetingMember.objects.first()
    member.phone = "13912345678"
    member.save()
    html = client.get("/lianxi/").content.decode()
    assert member.name in html and "13912345678" not in html
    assert Task.objects.count() == 29 and html.count("<tr") >= 29 and "牵头部门" in html
