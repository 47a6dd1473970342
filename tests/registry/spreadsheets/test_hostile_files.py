"""Hostile or broken files: a clear Chinese refusal, never a crash, and the database unchanged."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from portal.registry.models import ImportRecord
from portal.registry.spreadsheets import service

from .conftest import build_annex1, row, snapshot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refused(path, user, region, match):
    before = snapshot()
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, user, region)
    assert re.search(match, excinfo.value.report), excinfo.value.report
    assert snapshot() == before
    assert ImportRecord.objects.latest("pk").status == ImportRecord.Status.REFUSED
    return excinfo.value.report


def test_renamed_image(tiedong, county_admin, tmp_path):
    path = tmp_path / "机构.xlsx"
    path.write_bytes(PNG)
    refused(path, county_admin, tiedong, "PNG 图片，不是电子表格")


def test_not_a_spreadsheet_at_all(tiedong, county_admin, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"\x00\x01\x02binary junk" * 10)
    refused(path, county_admin, tiedong, "无法识别")


def test_word_document_renamed(tiedong, county_admin, tmp_path):
    path = tmp_path / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    refused(path, county_admin, tiedong, "Word 文档")


def test_corrupt_truncated_workbook(tiedong, county_admin, tmp_path):
    good = build_annex1(tmp_path / "good.xlsx", [row("甲站")])
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good.read_bytes()[:1500])
    refused(path, county_admin, tiedong, "损坏")


def test_encrypted_workbook(tiedong, county_admin, tmp_path):
    # An encrypted .xlsx is an OLE compound file holding these two streams.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
                     + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"))
    refused(path, county_admin, tiedong, "已加密")


def test_legacy_xls(tiedong, county_admin, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024 + "Workbook".encode("utf-16-le"))
    refused(path, county_admin, tiedong, r"另存为.*\.xlsx")


def test_zip_bomb(tiedong, county_admin, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
    good = build_annex1(tmp_path / "good.xlsx", [row("甲站")])
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/media/padding.bin", b"\x00" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    refused(path, county_admin, tiedong, "压缩炸弹")


def test_used_range_claiming_a_million_rows(tiedong, county_admin, tmp_path):
    book = openpyxl.load_workbook(build_annex1(tmp_path / "g.xlsx", [row("甲站"), row("乙站")], notes=False))
    ws = book.active
    ws.cell(1_048_576, 19).number_format = "0.00"  # a styled empty cell at the very bottom, as LibreOffice leaves
    path = tmp_path / "million.xlsx"
    book.save(path)
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    assert plan.ok and plan.counts["new"] == 2


def test_file_over_the_size_limit(tiedong, county_admin, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 1024
    path = build_annex1(tmp_path / "big.xlsx", [row(f"站{i}") for i in range(50)])
    refused(path, county_admin, tiedong, "超过了 0 MB 的上限|超过了")


def test_xlsm_by_name_and_macro_content_by_content(tiedong, county_admin, tmp_path):
    good = build_annex1(tmp_path / "good.xlsx", [row("甲站")])
    named = tmp_path / "macro.xlsm"
    named.write_bytes(good.read_bytes())
    refused(named, county_admin, tiedong, r"\.xlsm")
    hidden = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(hidden, "w") as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/vbaProject.bin", b"VBA")
    refused(hidden, county_admin, tiedong, "宏")


def _with_formula(tmp_path, cached):
    book = openpyxl.load_workbook(build_annex1(tmp_path / "f.xlsx", [row("甲站")]))
    book.active["Q5"] = "=SUM(1,2)"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    if cached is not None:  # what Excel does on save: keep the computed value next to the formula
        buffer = io.BytesIO()
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb"(<f>SUM\(1,2\)</f>)(<v\s*/>|<v></v>)?", rb"\1<v>" + str(cached).encode() + rb"</v>", data)
                out.writestr(item, data)
        path.write_bytes(buffer.getvalue())
    return path


def test_formula_without_cached_value_is_refused_never_evaluated(tiedong, county_admin, tmp_path):
    report = refused(_with_formula(tmp_path, None), county_admin, tiedong, "公式但没有保存计算结果")
    assert "“患者人数”列" in report


def test_formula_with_cached_value_uses_it(tiedong, county_admin, tmp_path):
    plan = service.preview_import("institutions", _with_formula(tmp_path, 7), county_admin, tiedong)
    assert plan.ok
    assert plan.rows[0].pending.values[10] == 7  # clients_count: the cached 7, not SUM(1,2) = 3
    assert "公式" in plan.warning_report()


def test_sheet_without_the_annex1_header(tiedong, county_admin, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "年龄"])
    book.active.append(["张三", 30])
    path = tmp_path / "other.xlsx"
    book.save(path)
    refused(path, county_admin, tiedong, "没有.*找到表头“机构全称”")


def test_empty_file(tiedong, county_admin, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, county_admin, tiedong, "文件是空的")


def test_command_exits_non_zero_with_the_chinese_report(tiedong, county_admin, tmp_path):
    path = tmp_path / "image.xlsx"
    path.write_bytes(PNG)
    before = snapshot()
    with pytest.raises(CommandError, match="PNG 图片"):
        call_command("import_registry", "institutions", str(path), "--user", "tiedong", stdout=io.StringIO())
    assert snapshot() == before
