"""Annex 1 both ways: round trip, the variations of real sheets, idempotence, all-or-nothing, scope."""

import openpyxl
import pytest

from portal.registry.models import ImportRecord, Institution
from portal.registry.spreadsheets import annex1, service
from portal.registry.spreadsheets.reader import Refused

from .conftest import build_annex1, build_csv, row, snapshot

ANNEX_FIELDS = ["county_id", "name", "address", "owner_department", "category", "psychiatrists", "therapists",
                "counsellors", "social_workers", "other_staff", "clients_count", "service_visits",
                "contact_person", "contact_phone"]


def annex_values(qs=None):
    return sorted((qs or Institution.objects.all()).values_list(*ANNEX_FIELDS))


def test_export_then_import_round_trips_to_an_identical_database(anshan, city_admin, tmp_path):
    before = annex_values()
    data, _name, _record = service.export("institutions", anshan, city_admin)
    path = tmp_path / "anshan.xlsx"
    path.write_bytes(data)
    Institution.objects.filter(county__path__startswith=anshan.path).delete()
    plan, record = service.apply_import("institutions", path, city_admin, anshan)
    assert plan.counts["new"] == len(before)
    assert annex_values() == before
    assert record.status == ImportRecord.Status.APPLIED


def test_export_has_the_form_layout(anshan, city_admin, tmp_path):
    data, _name, _record = service.export("institutions", anshan, city_admin)
    path = tmp_path / "anshan.xlsx"
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "鞍山市精康服务机构基本情况统计表"
    assert ws["A2"].value.startswith("填报单位(公章)")
    assert ws["E3"].value == "所属部门" and ws["E4"].value == "民政"
    assert ws["L3"].value == "人员情况" and ws["Q3"].value == "服务情况"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:S1", "E3:G3", "H3:K3", "L3:P3", "Q3:R3", "A3:A4"} <= merged
    assert ws.freeze_panes == "A5"
    assert ws.column_dimensions["B"].width > 20
    assert ws.print_title_rows == "$3:$4"
    last = ws.max_row
    assert ws.cell(last - 2, 1).value.startswith("注：1.")
    # "1" in exactly one department and one category cell per data row
    for r in range(5, last - 2):
        assert [ws.cell(r, c).value for c in range(5, 8)].count(1) == 1
        assert [ws.cell(r, c).value for c in range(8, 12)].count(1) == 1


def test_blank_template_is_the_form_without_rows(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(service.template("institutions"))
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "精康服务机构基本情况统计表"
    assert ws["B3"].value == "机构全称"
    assert all(ws.cell(r, 2).value is None for r in range(5, 25))


def test_real_world_variations_are_read(tiedong, county_admin, tmp_path):
    rows = [
        row(" 甲康复站 ", mark="√", staff=("１", "2", 0, "3", None), clients="１２", visits="100"),
        row("乙康复站", owner="卫健", category="医院", mark="✓", clients=5.0),
        row("丙康复站", owner="残联", category="残联康复服务机构", mark="是"),
        row("丁康复站", mark="有", contact="赵六，13800000000"),
    ]
    path = build_annex1(tmp_path / "filled.xlsx", rows, blank_rows_at=(1, 2), extra_columns=("备注",),
                        total=[1 + 0 + 0 + 1, 2 * 4, 0, 3 * 4, 1 * 3, 12 + 5 + 10 + 10, 100 + 360])
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.ok, plan.error_report()
    assert plan.counts["new"] == 4
    payloads = {r.label: r.pending.values for r in plan.rows}
    first = payloads["甲康复站"]
    assert first[annex1.FIELD_INDEX["psychiatrists"]] == 1
    assert first[annex1.FIELD_INDEX["clients_count"]] == 12
    assert first[annex1.FIELD_INDEX["other_staff"]] == 0
    assert payloads["乙康复站"][annex1.FIELD_INDEX["category"]] == "hospital"
    assert payloads["丙康复站"][annex1.FIELD_INDEX["owner_department"]] == "disabled_federation"
    assert payloads["丁康复站"][annex1.FIELD_INDEX["contact_person"]] == "赵六"
    assert payloads["丁康复站"][annex1.FIELD_INDEX["contact_phone"]] == "13800000000"
    warnings = plan.warning_report()
    assert "备注" in warnings and "未识别的列" in warnings
    assert "合计" not in {r.label for r in plan.rows}  # the total row is skipped
    assert "不一致" in warnings  # the stated psychiatrists total (2) disagrees with the sum (1)


def test_total_row_that_agrees_gives_no_warning(tiedong, county_admin, tmp_path):
    rows = [row("甲站", clients=3, visits=30), row("乙站", clients=4, visits=40)]
    path = build_annex1(tmp_path / "t.xlsx", rows, total=[2, 4, 0, 6, 2, 7, 70])
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.ok and plan.counts["new"] == 2
    assert "不一致" not in plan.warning_report()


@pytest.mark.parametrize("encoding,bom", [("gbk", False), ("gb18030", False), ("utf-8", True), ("utf-8", False)])
def test_csv_in_chinese_excel_encodings(tiedong, county_admin, tmp_path, encoding, bom):
    path = build_csv(tmp_path / "annex.csv", [row("甲康复站"), row("乙康复站", owner="卫健")], encoding, bom)
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.ok, plan.error_report()
    assert sorted(r.label for r in plan.rows) == ["乙康复站", "甲康复站"]


def test_rows_without_or_with_two_marks_are_errors_and_nothing_is_written(tiedong, county_admin, tmp_path):
    before = snapshot()
    no_mark = row("无标记站")
    no_mark[4] = None
    two_marks = row("两个标记站")
    two_marks[5] = 1
    bad_count = row("坏人数站", staff=("两人", 0, 0, 0, 0))
    path = build_annex1(tmp_path / "bad.xlsx", [row("好站"), no_mark, two_marks, bad_count])
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, county_admin, tiedong)
    report = excinfo.value.report
    assert snapshot() == before
    assert "工作表“附件1”第 6 行“所属部门”列" in report and "没有标记所属部门" in report
    assert "第 7 行" in report and "标记了多项" in report
    assert "第 8 行“精神科医生”列（值：两人）" in report and "填写 0 或正整数" in report
    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportRecord.Status.REFUSED and record.error_count == 3
    assert "没有标记所属部门" in record.error_report


def test_reimport_is_idempotent_and_writes_nothing(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "a.xlsx", [row("甲站"), row("乙站", owner="卫健")])
    service.apply_import("institutions", path, county_admin, tiedong)
    before = snapshot()
    plan, record = service.apply_import("institutions", path, county_admin, tiedong)
    assert plan.counts["unchanged"] == 2 and plan.counts["new"] == 0 and plan.counts["changed"] == 0
    assert snapshot() == before  # updated_at included: unchanged rows are not written
    assert record.unchanged_count == 2


def test_changed_rows_show_old_and_new_values(tiedong, county_admin, tmp_path):
    service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("甲站", clients=10)]), county_admin, tiedong)
    plan, _ = service.apply_import("institutions", build_annex1(tmp_path / "b.xlsx", [row("甲站", clients=25)]),
                                   county_admin, tiedong)
    changed = [r for r in plan.rows if r.status == "changed"]
    assert [c for c in changed[0].changes] == [("患者人数", 10, 25)]
    assert Institution.objects.get(name="甲站").clients_count == 25


def test_missing_rows_are_deleted_only_when_asked_and_listed_first(tiedong, county_admin, tmp_path):
    existing = Institution.objects.filter(county=tiedong).count()
    path = build_annex1(tmp_path / "one.xlsx", [row("唯一站")])
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.counts["deleted"] == 0
    plan = service.preview_import("institutions", path, county_admin, tiedong, delete_missing=True)
    assert plan.counts["deleted"] == existing
    assert Institution.objects.filter(county=tiedong).count() == existing  # preview writes nothing
    service.apply_import("institutions", path, county_admin, tiedong, delete_missing=True)
    assert list(Institution.objects.filter(county=tiedong).values_list("name", flat=True)) == ["唯一站"]
    assert Institution.objects.exclude(county=tiedong).exists()  # other counties untouched


def test_county_admin_rows_for_other_counties_are_errors(tiedong, county_admin, tmp_path):
    before = snapshot()
    path = build_annex1(tmp_path / "x.xlsx", [row("本区站"), row("外区站", county="铁西区"), row("外市站", county="沈阳市铁西区")])
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, county_admin, tiedong)
    assert snapshot() == before
    assert "“铁西区”不在本次导入的区划" in excinfo.value.report
    assert "沈阳市铁西区" in excinfo.value.report


def test_county_admin_cannot_choose_another_region(demo_data, county_admin):
    with pytest.raises(Refused, match="不在您的管辖区划内"):
        service.resolve_region(county_admin, "210303")
    assert service.resolve_region(county_admin, None).code == "210302"


def test_ambiguous_county_name_needs_its_city(demo_data, superuser, tmp_path):
    path = build_annex1(tmp_path / "x.xlsx", [row("某站", county="铁西区"), row("另站", county="鞍山市铁西区")])
    plan = service.preview_import("institutions", path, superuser, None)
    assert [r.status for r in plan.rows] == ["error", "new"]
    assert "对应多个县级区划" in plan.error_report()


def test_export_contains_only_what_the_user_may_see(tiedong, anshan, county_admin, tmp_path):
    data, _name, _record = service.export("institutions", anshan.institutions.model.objects.all(), county_admin)
    path = tmp_path / "mine.xlsx"
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path).active
    counties = {ws.cell(r, 4).value for r in range(5, ws.max_row - 2)}
    assert counties == {"铁东区"}
    assert ws.max_row - 7 == Institution.objects.filter(county=tiedong).count()


def test_export_neutralises_formula_like_text(tiedong, county_admin, tmp_path):
    Institution.objects.filter(county=tiedong).update(address="=HYPERLINK(\"http://x\")")
    Institution.objects.filter(county=tiedong).update(contact_person="@SUM(1)\x07", contact_phone="")
    first = Institution.objects.filter(county=tiedong).order_by("name").first()
    first.name = "+危险名称"
    first.save()
    data, _name, _record = service.export("institutions", tiedong, county_admin)
    path = tmp_path / "safe.xlsx"
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path).active
    values = [c.value for r in ws.iter_rows(min_row=5) for c in r if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in values)
    assert "'=HYPERLINK(\"http://x\")" in values and "'+危险名称" in values
    assert all("\x07" not in v for v in values)
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    # and the neutralised values read back as they were
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.ok and plan.counts["changed"] == Institution.objects.filter(county=tiedong).count()
    assert {c[0] for r in plan.rows for c in r.changes} == {"联系人"}  # only the removed \x07


def test_import_and_export_are_logged_for_the_audit_trail(tiedong, county_admin, tmp_path):
    from wagtail.log_actions import registry

    _plan, imported = service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("甲站")]),
                                           county_admin, tiedong)
    _data, _name, exported = service.export("institutions", tiedong, county_admin)
    assert [(e.action, e.user_id) for e in registry.get_logs_for_instance(imported)] == [("registry.import", county_admin.pk)]
    assert [(e.action, e.user_id) for e in registry.get_logs_for_instance(exported)] == [("registry.export", county_admin.pk)]


def test_two_updating_imports_in_one_transaction(tiedong, county_admin, tmp_path):
    # every row changed, twice, inside the test's transaction (PostgreSQL's temporary table path)
    names = list(Institution.objects.filter(county=tiedong).values_list("name", flat=True))
    for clients in (101, 102):
        path = build_annex1(tmp_path / f"{clients}.xlsx", [row(n, clients=clients) for n in names])
        plan, _ = service.apply_import("institutions", path, county_admin, tiedong)
        assert plan.counts["changed"] == len(names)
        assert set(Institution.objects.filter(county=tiedong).values_list("clients_count", flat=True)) == {clients}
