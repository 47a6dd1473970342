"""Flat registries through django-import-export: targets, county reports, departments, service items, hotlines."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal.registry.models import CountyReport, Department, ImportRecord, Region, ServiceItem, Target
from portal.registry.spreadsheets import service
from portal.supervision.models import Hotline
from tests.conftest import PASSWORD


def sheet(path, header, rows, title="鞍山市年度目标"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "年度目标"
    ws.append([title])
    ws.append(header)
    for values in rows:
        ws.append(values)
    book.save(path)
    return path


TARGET_HEADER = ["区划", "年度", "覆盖率统计单位", "开展服务覆盖率目标（%）", "登记康复对象接受规范服务率目标（%）", "依据"]


def test_a_province_loads_a_years_targets_from_a_sheet(province_admin, tmp_path):
    liaoning = Region.objects.get(code="210000")
    rows = [["辽宁省", 2027, "县（市、区）", "90%", 70, "辽民发〔2026〕1号"],
            ["鞍山市", "２０２７", "县", 0.85, "65", ""],
            ["210200", 2027, "县（市、区）", 88, 66, "大连市方案"]]
    path = sheet(tmp_path / "targets.xlsx", TARGET_HEADER, rows)
    plan = service.preview_import("targets", path, province_admin, liaoning)
    assert plan.ok, plan.error_report()
    assert plan.counts["new"] == 3
    plan, record = service.apply_import("targets", path, province_admin, liaoning)
    anshan = Target.objects.get(region__code="210300", year=2027)
    assert anshan.coverage_pct == Decimal("85.00") and anshan.standard_service_rate_pct == Decimal("65.00")
    assert Target.objects.get(region__code="210000", year=2027).source == "辽民发〔2026〕1号"
    # the same sheet again changes nothing; a changed figure is an update with old → new
    assert service.preview_import("targets", path, province_admin, liaoning).counts["unchanged"] == 3
    rows[1][3] = 86
    plan = service.preview_import("targets", sheet(tmp_path / "t2.xlsx", TARGET_HEADER, rows), province_admin, liaoning)
    changed = [r for r in plan.rows if r.status == "changed"]
    assert len(changed) == 1 and changed[0].changes == [("开展服务覆盖率目标（%）", 85.0, 86.0)]
    # undo takes the three targets away again
    service.undo_import(record, province_admin)
    assert not Target.objects.filter(year=2027).exists()


def test_targets_outside_the_users_regions_are_errors_of_their_cell(city_admin, tmp_path):
    anshan = Region.objects.get(code="210300")
    before = list(Target.objects.values_list("pk", "coverage_pct"))
    rows = [["鞍山市", 2028, "县", 80, 60, ""], ["大连市", 2028, "县", 80, 60, ""], ["鞍山市", 2029, "县", 180, 60, ""]]
    path = sheet(tmp_path / "t.xlsx", TARGET_HEADER, rows)
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("targets", path, city_admin, anshan)
    report = excinfo.value.report
    assert "第 4 行“区划”列（值：大连市）" in report and "不在本次导入的区划" in report
    assert "第 5 行“开展服务覆盖率目标（%）”列（值：180）" in report and "0 到 100" in report
    assert list(Target.objects.values_list("pk", "coverage_pct")) == before  # all or nothing


def test_county_reports_through_the_admin_flow(client, county_admin, tmp_path):
    header = ["县(市、区)", "年度", "报告期", "已开展服务", "街道（乡镇）总数", "已开展服务的街道（乡镇）数",
              "登记康复对象人数", "接受规范服务人数"]
    path = sheet(tmp_path / "r.xlsx", header, [["铁东区", 2027, "上半年", "是", 12, 9, 300, 120],
                                               ["铁东区", 2027, "下半年", "√", 12, 10, 310, 400]], title="县级进展报告")
    client.login(username="tiedong", password=PASSWORD)
    listing = client.get("/admin/registry/countyreport/").content.decode()
    assert "data-registry-import" in listing
    with open(path, "rb") as fh:
        response = client.post(reverse("registry_spreadsheets:start", args=["county_reports"]), {"file": fh})
    page = client.get(response["Location"]).content.decode()
    assert "接受规范服务人数不能超过登记康复对象人数" in page and "第 4 行" in page
    assert not CountyReport.objects.filter(year=2027).exists()
    record = ImportRecord.objects.get(user=county_admin)
    workbook = client.get(reverse("registry_spreadsheets:errors", args=[record.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert ws["H4"].fill.fgColor.rgb.endswith("FFC7CE") and "不能超过" in ws["H4"].comment.text


def test_departments_service_items_and_hotlines_round_trip(province_admin, tmp_path):
    liaoning = Region.objects.get(code="210000")
    for kind, model in (("departments", Department), ("service_items", ServiceItem), ("hotlines", Hotline)):
        data, _name, _record = service.export(kind, liaoning, province_admin)
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        count = model.objects.count() if kind == "service_items" else model.objects.within(liaoning).count()
        plan = service.preview_import(kind, path, province_admin, liaoning)
        assert plan.ok, (kind, plan.error_report())
        assert plan.counts["unchanged"] == count, kind


def test_a_hotline_number_is_validated(province_admin, tmp_path):
    liaoning = Region.objects.get(code="210000")
    path = sheet(tmp_path / "h.xlsx", ["所属区划", "名称", "电话号码", "受理时间"],
                 [["鞍山市", "鞍山市监督电话", "12", "工作日"]], title="监督电话")
    plan = service.preview_import("hotlines", path, province_admin, liaoning)
    assert not plan.ok and "电话号码" in plan.error_report()


def test_service_items_need_province_rights(city_admin, tmp_path):
    path = sheet(tmp_path / "s.xlsx", ["服务项目", "国家规范项目", "说明", "排序"], [["园艺疗法", "否", "", 50]])
    with pytest.raises(service.ImportRefused, match="没有导入“服务项目”的权限"):
        service.apply_import("service_items", path, city_admin, None)


def test_export_neutralises_formulas_and_stays_in_scope(city_admin, tmp_path):
    anshan = Region.objects.get(code="210300")
    Target.objects.filter(region=anshan).update(source="=HYPERLINK(\"http://x\")")
    data, _name, _record = service.export("targets", Target.objects.all(), city_admin)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    regions = {ws.cell(r, 1).value for r in range(3, ws.max_row + 1)}
    assert regions <= {r.name for r in Region.objects.within(anshan)} and "吉林省" not in regions
    assert all(not str(c.value).startswith("=") for r in ws.iter_rows() for c in r if c.value)


def test_every_layout_is_a_recorded_kind_and_lists_its_listing():
    from django.urls import reverse as url

    from portal.registry.models.imports import SpreadsheetKind
    from portal.registry.spreadsheets.layout import all_layouts

    layouts = all_layouts()
    assert set(layouts) == set(SpreadsheetKind.values)  # one declaration per kind, recorded by its name
    for layout in layouts.values():
        assert layout.label and layout.form_label and layout.model is not None
        assert url(layout.listing_url_name).startswith("/admin/")
