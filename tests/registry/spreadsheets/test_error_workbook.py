"""The error workbook: the uploaded file in its own layout, bad cells red with a comment, a 错误说明 column."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from portal.registry.spreadsheets import service

from .conftest import NOTES, TITLE, build_annex1, build_csv, row

RED = "FFC7CE"


def bad_rows():
    no_mark = row("无标记站")
    no_mark[4] = None  # 所属部门 left blank → the three owner cells are at fault
    bad_count = row("坏人数站", staff=("两人", 0, 0, 0, 0))  # 精神科医生 (column L)
    return [row("好站"), no_mark, bad_count, row("外区站", county="铁西区")]


def refused_plan(path, user, region):
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, user, region)
    return excinfo.value.plan


def marked_cells(ws):
    return {(c.row, c.column) for r in ws.iter_rows() for c in r if str(c.fill.fgColor.rgb).endswith(RED)}


def test_xlsx_keeps_its_layout_and_marks_exactly_the_bad_cells(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "铁东区.xlsx", bad_rows(), extra_columns=("备注",))
    plan = refused_plan(path, county_admin, tiedong)
    ws = openpyxl.load_workbook(io.BytesIO(service.error_workbook_for(plan, path, path.name))).active
    # the same title, header, merges and notes
    assert ws["A1"].value == TITLE and ws["B3"].value == "机构全称" and ws["E4"].value == "民政"
    assert {"A1:S1", "E3:G3", "L3:P3", "A3:A4"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(ws.max_row, 1).value == NOTES[-1]
    # row 6: 所属部门 E6:G6; row 7: 精神科医生 L7; row 8: the county D8 — nothing else
    assert marked_cells(ws) == {(6, 5), (6, 6), (6, 7), (7, 12), (8, 4)}
    assert "没有标记所属部门" in ws["E6"].comment.text and "填“1”" in ws["E6"].comment.text
    assert "两人" not in ws["L7"].comment.text and "整数" in ws["L7"].comment.text
    assert "不在本次导入的区划" in ws["D8"].comment.text
    note = ws.max_column  # the added column, right of the extra 备注 column
    assert ws.cell(3, note).value == "错误说明" and f"{openpyxl.utils.get_column_letter(note)}3:" in " ".join(
        str(r) for r in ws.merged_cells.ranges)
    assert ws.cell(5, note).value is None  # the good row has no note
    assert "所属部门" in ws.cell(6, note).value and "精神科医生" in ws.cell(7, note).value
    assert ws["B7"].value == "坏人数站" and ws["L7"].value == "两人"  # the clerk's values are untouched


def test_a_fixed_error_workbook_imports(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "a.xlsx", bad_rows()[:3])
    plan = refused_plan(path, county_admin, tiedong)
    fixed_path = tmp_path / "fixed.xlsx"
    fixed_path.write_bytes(service.error_workbook_for(plan, path, path.name))
    book = openpyxl.load_workbook(fixed_path)
    ws = book.active
    ws["E6"] = 1
    ws["L7"] = 2
    book.save(fixed_path)
    plan, record = service.apply_import("institutions", fixed_path, county_admin, tiedong)
    assert plan.counts["new"] == 3 and record.error_count == 0
    assert "错误说明" in plan.warning_report()  # the added column is ignored, with a note


def test_csv_upload_gets_an_xlsx_in_the_annex1_layout(tiedong, county_admin, tmp_path):
    path = build_csv(tmp_path / "a.csv", bad_rows(), "gbk")
    plan = refused_plan(path, county_admin, tiedong)
    ws = openpyxl.load_workbook(io.BytesIO(service.error_workbook_for(plan, path, path.name))).active
    assert ws["A1"].value == "精康服务机构基本情况统计表" and ws["E3"].value == "所属部门" and ws["E4"].value == "民政"
    assert [ws.cell(r, 2).value for r in range(5, 9)] == ["好站", "无标记站", "坏人数站", "外区站"]
    assert marked_cells(ws) == {(6, 5), (6, 6), (6, 7), (7, 12), (8, 4)}
    assert ws.cell(7, 20).value.startswith("CSV 第 6 行")  # CSV line 6 (title, two header rows above)
    assert ws.cell(ws.max_row - 2, 1).value.startswith("注：")


def test_command_writes_the_error_workbook(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "a.xlsx", bad_rows())
    out = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError) as excinfo:
        call_command("import_registry", "institutions", str(path), "--user", "tiedong", "--errors-out", str(out))
    assert "错误标注表已写入" in str(excinfo.value)
    ws = openpyxl.load_workbook(out).active
    assert marked_cells(ws) == {(6, 5), (6, 6), (6, 7), (7, 12), (8, 4)}
