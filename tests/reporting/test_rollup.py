"""汇总: the 小计 and 合计 rows equal the sums of the approved rows, and the
workbook re-opens in the Annex 1 import (小计 and 合计 skipped)."""

import io

import openpyxl
import pytest

from portal.registry.models import Region, RegionLevel
from portal.registry.spreadsheets import service as spreadsheets
from portal.reporting import rollup, service
from portal.reporting.models import ReportingRound, SubmissionSource, SubmissionStatus, SubmittedInstitution

from .conftest import DEADLINE, HALF, YEAR
from .test_cycle import column

pytestmark = pytest.mark.django_db

NUMERIC_HEADERS = ["民政", "卫健", "残联", "医院", "社区康复服务机构", "基层卫生医疗机构", "残联康复服务机构",
                   "精神科医生", "康复治疗师", "心理咨询师", "社会工作者", "其他工作人员", "患者人数", "服务人次"]


@pytest.fixture
def demo_round(staff):
    """The demo's 2026 下半年 round of 鞍山: four counties approved, the others not."""
    return ReportingRound.objects.get(region__code="210300", year=2026, half="H2")


def rows_of(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data))["附件1"]
    columns = {h: column(sheet, h) for h in NUMERIC_HEADERS}
    return sheet, columns, [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] is not None]


def check_sums(rows, columns):
    """Every 小计 is the sum of the data rows above it since the last 小计; the 合计 is the sum of all."""
    group, everything, subtotals = [], [], 0
    for values in rows:
        label = values[0]
        if isinstance(label, int):
            group.append(values)
            everything.append(values)
        elif isinstance(label, str) and label.endswith("小计"):
            for header, index in columns.items():
                assert values[index] == sum(v[index] or 0 for v in group), (label, header)
            group, subtotals = [], subtotals + 1
        elif label == "合计":
            for header, index in columns.items():
                assert values[index] == sum(v[index] or 0 for v in everything), header
            return len(everything), subtotals
    raise AssertionError("no 合计 row")


def test_city_roll_up_sums_the_approved_submissions_only(demo_round):
    data, filename = rollup.workbook(demo_round)
    assert filename.startswith("鞍山市2026年下半年汇总")
    sheet, columns, rows = rows_of(data)
    count, subtotals = check_sums(rows, columns)
    approved = demo_round.submissions.filter(status=SubmissionStatus.APPROVED)
    assert subtotals == approved.count() == 4
    assert count == SubmittedInstitution.objects.filter(submission__in=approved).count()
    labels = [r[0] for r in rows if isinstance(r[0], str) and not r[0].startswith(("注", "2.", "3."))]
    assert labels == [f"{s.region.name}小计" for s in approved.order_by("region__path")] + ["合计"]
    # The returned 铁东区 and the waiting 千山区 are not in the sums.
    assert "铁东区小计" not in labels and "千山区小计" not in labels
    assert sheet["A1"].value == "鞍山市精康服务机构基本情况统计表"


def test_the_summary_sheet_adds_up_and_names_what_is_not_counted(demo_round):
    book = openpyxl.load_workbook(io.BytesIO(rollup.workbook(demo_round)[0]))
    summary = list(book["进展汇总"].iter_rows(values_only=True))
    headers = summary[1]
    registered = headers.index("登记康复对象人数")
    approved_rows = [r for r in summary[2:] if r[1] == "已审核（锁定）"]
    total = next(r for r in summary if r[0] == "合计（已审核）")
    assert total[registered] == sum(r[registered] for r in approved_rows)
    notes = " ".join(str(r[0]) for r in summary if r[0] and str(r[0]).startswith(("2025年目标", "未计入")))
    # 鞍山's plan ends in 2025: its final targets judge 2026.
    assert "2025年目标（鞍山市" in notes and "覆盖率目标 80%" in notes
    assert "铁东区（已退回）" in notes and "千山区（已报送（待审核））" in notes


def test_the_roll_up_re_opens_in_the_annex1_import(demo_round, staff):
    data, _ = rollup.workbook(demo_round)
    plan = spreadsheets.preview_import("institutions", io.BytesIO(data), staff["anshan"],
                                       region=Region.objects.get(code="210300"), filename="汇总.xlsx")
    assert plan.ok, plan.error_report()
    _, _, rows = rows_of(data)
    data_rows = sum(1 for r in rows if isinstance(r[0], int))
    # Every data row is read (the registry still holds what was submitted) and no total row is.
    assert plan.counts["unchanged"] == data_rows and plan.counts["new"] == 0 and plan.counts["error"] == 0
    assert not [w for w in plan.warnings if "合计行" in w.problem]


def test_the_province_roll_up_groups_by_city_and_re_opens(staff, city_round):
    liaoning = Region.objects.get(code="210000")
    figures = {"offers_service": True, "townships_total": None, "townships_with_service": None,
               "registered_clients": 300, "standard_service_clients": 200}
    for submission in city_round.submissions.select_related("region", "round"):
        service.submit(submission, None, SubmissionSource.REGISTRY, figures=figures)
        service.approve(submission, None)
    province_round = service.open_round(liaoning, YEAR, HALF, DEADLINE, opens_on=city_round.opens_on)
    upward = province_round.submissions.get(region__code="210300")
    service.submit(upward, staff["anshan"], SubmissionSource.ROLLUP)
    service.approve(upward, staff["liaoning"])
    data, _ = rollup.workbook(province_round)
    sheet, columns, rows = rows_of(data)
    count, subtotals = check_sums(rows, columns)
    assert subtotals == 1 and count == upward.institutions.count()
    assert [r[0] for r in rows if isinstance(r[0], str) and r[0].endswith("计")] == ["鞍山市小计", "合计"]
    plan = spreadsheets.preview_import("institutions", io.BytesIO(data), staff["liaoning"], region=liaoning,
                                       filename="全省汇总.xlsx")
    assert plan.ok and plan.counts["unchanged"] == count


def test_a_subtotal_row_in_a_county_sheet_is_skipped_not_an_error(staff, tmp_path):
    from tests.registry.spreadsheets.conftest import build_annex1, row

    path = build_annex1(tmp_path / "a.xlsx", [row("阳光驿站", clients=7, seq=1),
                                               ["铁东区小计", None, None, None, 1, None, None, None, 1, None, None,
                                                1, 2, 0, 3, 1, 7, 120, None]])
    plan = spreadsheets.preview_import("institutions", path, staff["tiedong"], region=Region.objects.get(code="210302"))
    assert plan.ok and plan.counts["new"] == 1


def test_a_round_that_collects_no_institutions_exports_only_the_summary(staff):
    anshan = Region.objects.get(code="210300", level=RegionLevel.CITY)
    history = ReportingRound.objects.get(region=anshan, year=2025, half="H2")
    book = openpyxl.load_workbook(io.BytesIO(rollup.workbook(history)[0]))
    assert book.sheetnames == ["进展汇总"]
