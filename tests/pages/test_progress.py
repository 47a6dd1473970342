"""工作进展: the figures computed from targets and county reports, and the SVG chart."""

from decimal import Decimal

import pytest

from portal.pages.charts import bar_chart
from portal.pages.progress import region_progress
from portal.registry.models import CountyReport, CoverageUnit, Region, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def anshan(regions):
    anshan = regions["210300"]
    Target.objects.create(region=anshan, year=2024, coverage_pct=65, standard_service_rate_pct=45)
    return anshan


def test_latest_report_of_the_year_counts(anshan):
    counties = list(Region.objects.filter(parent=anshan).order_by("code"))
    CountyReport.objects.create(county=counties[0], year=2024, half="H1", offers_service=False,
                                registered_clients=100, standard_service_clients=10)
    CountyReport.objects.create(county=counties[0], year=2024, half="H2", offers_service=True,
                                registered_clients=100, standard_service_clients=50)
    CountyReport.objects.create(county=counties[1], year=2024, half="H1", offers_service=True,
                                registered_clients=300, standard_service_clients=100)
    progress = region_progress(anshan)
    [year] = progress.years
    assert year.year == 2024 and year.counties_total == len(counties) and year.counties_reporting == 2
    assert year.coverage == (Decimal(200) / len(counties)).quantize(Decimal("0.1"))
    assert year.rate == Decimal("37.5")  # (50 + 100) / (100 + 300)
    assert year.coverage_target == 65 and year.rate_met is False
    assert progress.latest_period == "2024年下半年"
    rows = {row.county.code: row for row in progress.counties}
    assert rows[counties[0].code].rate == Decimal("50.0")
    assert rows[counties[2].code].report is None


def test_a_city_without_targets_uses_its_province_targets(regions):
    Target.objects.create(region=regions["210000"], year=2025, coverage_pct=80, standard_service_rate_pct=60)
    progress = region_progress(regions["210200"])
    assert [(y.year, y.coverage_target) for y in progress.years] == [(2025, 80)]


def test_township_coverage_for_regions_counted_by_township(regions):
    shanghai = regions["310000"]
    Target.objects.create(region=shanghai, year=2024, coverage_unit=CoverageUnit.TOWNSHIP, coverage_pct=65,
                          standard_service_rate_pct=45)
    district = Region.objects.filter(parent=shanghai).first()
    CountyReport.objects.create(county=district, year=2024, half="H2", offers_service=True, townships_total=10,
                                townships_with_service=7, registered_clients=10, standard_service_clients=5)
    assert region_progress(shanghai).years[0].coverage == Decimal("70.0")


def test_chart_geometry_scales_to_percent():
    chart = bar_chart([("2023年", Decimal("50"), Decimal("50")), ("2024年", None, Decimal("65"))])
    first, second = chart["bars"]
    assert first.height == pytest.approx((chart["bottom"] - 16) / 2, abs=0.2)
    assert first.met is True and second.value is None and second.target_y is not None


def test_progress_page_draws_svg_and_table(site_demo, client):
    html = client.get("/jinzhan/").content.decode()
    assert html.count("<svg") == 2 and "<rect" in html
    assert "登记康复对象接受规范服务率" in html and "各县（市、区）情况" in html


def test_joint_meeting_page_never_shows_member_phones(site_demo, client):
    from portal.registry.models import JointMeetingMember, Task

    member = JointMeetingMember.objects.first()
    member.phone = "13912345678"
    member.save()
    html = client.get("/lianxi/").content.decode()
    assert member.name in html and "13912345678" not in html
    assert Task.objects.count() == 29 and html.count("<tr") >= 29 and "牵头部门" in html
