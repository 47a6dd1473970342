"""manage.py reporting_round: the command line over the same service, with the issue's arguments."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.registry.models import CountyReport, Institution
from portal.reporting.models import ReportingRound, SubmissionStatus
from tests.registry.spreadsheets.conftest import build_annex1, row

from .conftest import submission_of

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("reporting_round", *args, stdout=out)
    return out.getvalue()


def test_open_prints_the_rounds_id_and_collects_the_defaults(staff):
    out = run("open", "--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10", "--user", "anshan")
    reporting_round = ReportingRound.objects.get(pk=int(out.strip()))
    assert reporting_round.region.code == "210300" and reporting_round.created_by.username == "anshan"
    assert reporting_round.collects_institutions and reporting_round.collects_county_report
    assert not reporting_round.collects_task_progress
    out = run("open", "--region", "210000", "--year", "2027", "--half", "H2", "--deadline", "2027-12-31",
              "--collect", "county_report,task_progress")
    province_round = ReportingRound.objects.get(pk=int(out.strip()))
    assert province_round.collects == ["county_report", "task_progress"]


@pytest.mark.parametrize("args, message", [
    (["--region", "210302", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10"], "只有市级和省级可以发起"),
    (["--region", "999999", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10"], "没有找到区划代码"),
    (["--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027/07/10"], "YYYY-MM-DD"),
    (["--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10", "--collect", "patients"], "不认识的填报内容"),
    (["--region", "210300", "--year", "2026", "--half", "H2", "--deadline", "2027-01-10"], "已经有2026年下半年的填报任务"),
    (["--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10", "--user", "tiedong"], "没有在“辽宁省鞍山市”发起填报任务的权限"),
])
def test_open_refusals_exit_non_zero_in_chinese(staff, args, message):
    with pytest.raises(CommandError, match=message):
        run("open", *args)


def test_submit_review_status_export_and_remind(staff, tmp_path, mailoutbox):
    round_id = run("open", "--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10").strip()
    # By file, as the county's admin: imported into the registry, then submitted.
    path = build_annex1(tmp_path / "铁东区.xlsx", [row("命令行康复驿站", clients=12)])
    CountyReport.objects.create(county_id=submission_of(ReportingRound.objects.get(pk=round_id), "210302").region_id,
                                year=2027, half="H1", offers_service=True, registered_clients=220, standard_service_clients=150)
    out = run("submit", round_id, "--region", "210302", "--file", str(path), "--user", "tiedong")
    assert "已报送：铁东区" in out and "机构 1 家" in out
    assert Institution.objects.filter(name="命令行康复驿站", clients_count=12).exists()
    # Without a file, figures come from the registry's county report: missing → a clear refusal.
    with pytest.raises(CommandError, match="请填写2027年上半年的进展情况"):
        run("submit", round_id, "--region", "210304", "--user", "lishan")
    # The county cannot approve; the city returns, the county resubmits, the city approves.
    with pytest.raises(CommandError, match="只有市级审核人员可以审核"):
        run("review", round_id, "--region", "210302", "--approve", "--user", "tiedong")
    assert "已退回：铁东区（请补充联系人）" in run("review", round_id, "--region", "210302", "--return", "请补充联系人", "--user", "anshan")
    run("submit", round_id, "--region", "210302", "--file", str(path), "--user", "tiedong")
    assert "已审核通过并锁定" in run("review", round_id, "--region", "210302", "--approve", "--user", "anshan")
    with pytest.raises(CommandError, match="已审核（锁定）"):
        run("submit", round_id, "--region", "210302", "--file", str(path), "--user", "tiedong")
    status = run("status", round_id)
    assert "铁东区\t已审核（锁定）" in status and "立山区\t未报送" in status and "合计（已审核）\t\t\t1\t12\t220\t150" in status
    out_file = tmp_path / "汇总.xlsx"
    assert "已导出" in run("export", round_id, str(out_file))
    labels = [r[0] for r in openpyxl.load_workbook(out_file)["附件1"].iter_rows(min_row=5, values_only=True)]
    assert labels[:3] == [1, "铁东区小计", "合计"]
    mailoutbox.clear()
    out = run("remind", round_id)
    assert "立山区：已发送至 1 个邮箱" in out and "铁东区" not in out
    assert [m.to for m in mailoutbox] == [["lishan@example.com"]]


def test_unknown_round_or_region(staff):
    with pytest.raises(CommandError, match="没有找到编号为 999999 的填报任务"):
        run("status", "999999")
    round_id = run("open", "--region", "210300", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10").strip()
    with pytest.raises(CommandError, match="不是.*的报送区划"):
        run("submit", round_id, "--region", "210202")
    with pytest.raises(CommandError, match="找不到文件"):
        run("submit", round_id, "--region", "210302", "--file", "/nonexistent.xlsx")


def test_a_citys_submission_without_a_file_is_its_roll_up(staff, city_round):
    round_id = run("open", "--region", "210000", "--year", "2027", "--half", "H1", "--deadline", "2027-07-10").strip()
    with pytest.raises(CommandError, match="尚未审核通过"):
        run("submit", round_id, "--region", "210300", "--user", "anshan")
    assert submission_of(ReportingRound.objects.get(pk=round_id), "210300").status == SubmissionStatus.NOT_SUBMITTED
