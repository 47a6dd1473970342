"""The one reader: an uploaded file → sheets of rows of clean cell values.

Every layout (annex1, members, task_table, the flat registries) reads through here, so the defences
against hostile or broken files live in one place: size limit, zip-bomb
check, detection by content (a renamed image, an encrypted or legacy Excel
file, a macro workbook), formulas (their cached value is used; a formula
without one is an error; nothing is ever evaluated) and a used range that
claims a million empty rows (reading stops after a run of blank rows).
"""

import codecs
import csv
import io
import os
import re
import threading
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
NOT_SPREADSHEET_MAGICS = [
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"BM", "BMP 图片"),
    (b"RIFF", "图片或音视频"),
    (b"%PDF", "PDF 文档"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
]
# Characters a cell-writer must neutralise; the writer prefixes them with "'"
# and the reader takes that apostrophe off again so exports round-trip.
DANGEROUS_LEADS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SPACES = re.compile(r"\s+")


def setting(name, default):
    return getattr(settings, name, default)


class Refused(Exception):
    """The whole file is refused; ``message`` says why and what to do, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One error or warning, pinned to its place in the file."""

    sheet: str
    row: int | None
    column: str
    value: object
    problem: str
    fix: str = ""
    # 0-based column positions of the cells at fault (the error workbook marks
    # them); empty for a problem of the whole row or file.
    cells: tuple = ()

    def __str__(self):
        where = f"工作表“{self.sheet}”"
        if self.row:
            where += f"第 {self.row} 行"
        if self.column:
            where += f"“{self.column}”列"
        value = "" if self.value in (None, "") else f"（值：{display_value(self.value)}）"
        fix = f"请{self.fix}" if self.fix and not self.fix.startswith("请") else self.fix
        return f"{where}{value}：{self.problem}。{fix}".rstrip("。") + "。"

    def as_dict(self):
        return {
            "sheet": self.sheet, "row": self.row, "column": self.column,
            "value": display_value(self.value), "problem": self.problem, "fix": self.fix, "text": str(self),
            "cells": list(self.cells),
        }


class CellError(ValueError):
    """Raised by the clean_* helpers: what is wrong with a value, and what to do."""

    def __init__(self, problem, fix=""):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


class _UncomputedFormula:
    """A formula cell that carries no cached result (never evaluated here)."""

    def __init__(self, formula):
        self.formula = formula

    def __str__(self):
        return self.formula

    def __bool__(self):
        return True


def display_value(value):
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# ---------------------------------------------------------------- cleaning

def normalise_header(value):
    """Header text for matching: NFKC (full-width → half-width), no whitespace at all."""
    if value is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


def clean_text(value):
    """A text cell: stripped (including ideographic spaces); numbers written plainly."""
    if value is None:
        return ""
    if isinstance(value, _UncomputedFormula):
        raise CellError("单元格是公式但没有保存计算结果（系统不会计算公式）",
                        "在 Excel 中打开并保存文件，或把公式改为数值")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if not value.time() else value
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in DANGEROUS_LEADS:
        text = text[1:]  # our own writer's neutralising apostrophe
    return text


def check_length(text, limit):
    """Text longer than its database column is an error of that cell, never a crash."""
    if len(text) > limit:
        raise CellError(f"超过 {limit} 个字", "缩短内容")
    return text


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def clean_count(value):
    """A non-negative whole number; accepts full-width digits and numbers stored as text."""
    if is_blank(value):
        return 0
    if isinstance(value, bool):
        raise CellError("应为人数或次数（整数）", "填写 0 或正整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("应为整数，不能有小数", "填写整数")
        number = int(value)
    else:
        text = unicodedata.normalize("NFKC", clean_text(value)).replace(",", "").replace(" ", "")
        for suffix in ("人次", "人", "次", "名"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit():
            if text.lstrip("-").isdigit():
                raise CellError("不能为负数", "填写 0 或正整数")
            raise CellError("应为人数或次数（整数）", "填写 0 或正整数，不要填写文字")
        number = int(text)
    if number < 0:
        raise CellError("不能为负数", "填写 0 或正整数")
    if number > 2_147_483_647:
        raise CellError("数值过大", "检查是否填错")
    return number


MARK_TRUE = {"1", "√", "✓", "✔", "是", "有", "v", "V", "y", "Y", "☑", "■", "●"}


def clean_mark(value):
    """A tick cell: True for "1"/"√"/"✓"/"是"/"有"…, False when blank or 0/否/无."""
    if is_blank(value):
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value == 1:
            return True
        if value == 0:
            return False
        raise CellError("标记只能填写“1”", "在对应的格内填“1”（或“√”），其余留空")
    text = unicodedata.normalize("NFKC", clean_text(value))
    if text in MARK_TRUE or text in {"1.0"}:
        return True
    if text in {"0", "否", "无", "×", "x", "X", "-", "—"}:
        return False
    raise CellError("标记只能填写“1”", "在对应的格内填“1”（或“√”），其余留空")


# ---------------------------------------------------------------- sheets

class Sheet:
    """One worksheet: ``rows()`` yields (Excel row number, tuple of raw values)."""

    def __init__(self, name, row_source, max_blank_rows):
        self.name = name
        self._row_source = row_source
        self.max_blank_rows = max_blank_rows
        self.formula_cells = 0
        self.estimated_rows = 0  # for progress bars only; never trusted for reading

    def rows(self):
        blank_run = 0
        try:
            for number, values in enumerate(self._row_source(self), start=1):
                if not values or (values[0].__class__ is not int and all(
                        v is None or (v.__class__ is str and not v.strip()) for v in values)):
                    blank_run += 1
                    # A used range that claims a million empty rows (LibreOffice
                    # does this) ends here instead of being walked to the end.
                    if blank_run >= self.max_blank_rows:
                        return
                    continue
                blank_run = 0
                yield number, values
        except Refused:
            raise
        except Exception as exc:  # a broken XML part surfaces only while reading
            raise Refused(f"读取工作表“{self.name}”时出错，文件可能已损坏（{type(exc).__name__}）。请在 Excel 中重新保存为 .xlsx 后再导入。") from exc


HEADER_SEARCH_ROWS = 20


def locate_header(rows, columns_by_label, markers):
    """Find the header row among the first rows of a sheet.

    The header is the first row holding one of ``markers`` (e.g. "姓名");
    offices put titles and signature lines above it. ``rows`` is consumed up
    to and including the header, so the caller reads the data rows from it.
    Returns (Excel row number, {column key: index}), or (None, None).
    """
    for count, (number, values) in enumerate(rows, start=1):
        labels = [normalise_header(v) for v in values]
        if any(marker in labels for marker in markers):
            positions = {}
            for i, label in enumerate(labels):
                column = columns_by_label.get(label)
                if column is not None:
                    positions.setdefault(column.key, i)
            return number, positions
        if count >= HEADER_SEARCH_ROWS:
            break
    return None, None


class Table:
    """An opened spreadsheet: its sheets, in order, and file-level warnings."""

    def __init__(self, sheets, kind, closer=None):
        self.sheets = sheets
        self.kind = kind  # "xlsx" or "csv"
        self.warnings = []
        self._closer = closer

    def close(self):
        if self._closer:
            self._closer()
            self._closer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_table(path, filename=None):
    """Open an uploaded file for reading, or raise Refused with a Chinese explanation."""
    filename = filename or os.path.basename(path)
    ext = os.path.splitext(filename)[1].lower()
    max_bytes = setting("REGISTRY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
    size = os.path.getsize(path)
    if size == 0:
        raise Refused("文件是空的。请选择填写好的 Excel（.xlsx）或 CSV 文件。")
    if size > max_bytes:
        raise Refused(
            f"文件大小 {size / 1048576:.1f} MB，超过了 {max_bytes / 1048576:.0f} MB 的上限。"
            "请删除无关的工作表和图片，或按县区拆分后分别导入。"
        )
    if ext == ".xlsm":
        raise Refused("不接受含宏的工作簿（.xlsm）。请在 Excel 中“另存为”普通的 Excel 工作簿（.xlsx）后再导入。")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(OLE_MAGIC):
        with open(path, "rb") as fh:
            data = fh.read()
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Refused("文件已加密（设置了打开密码），无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿）后另存为 .xlsx 再导入。")
        raise Refused("这是旧版 Excel 97-2003 文件（.xls）或其他 Office 文件。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再导入。")
    for magic, label in NOT_SPREADSHEET_MAGICS:
        if head.startswith(magic):
            raise Refused(f"这是一个{label}，不是电子表格（文件名为“{filename}”）。请上传 Excel（.xlsx）或 CSV 文件。")
    if ext in (".csv", ".txt") or _looks_like_text(head):
        return _open_csv(path, filename)
    raise Refused(f"无法识别“{filename}”的文件格式，它不是 Excel 工作簿（.xlsx）或 CSV 文件。请上传 .xlsx 或 .csv 文件。")


def _looks_like_text(head):
    return b"\x00" not in head and head.strip() != b""


def _open_csv(path, filename):
    with open(path, "rb") as fh:
        data = fh.read()
    if b"\x00" in data:
        raise Refused(f"“{filename}”含有二进制内容，不是 CSV 文本文件。请上传 Excel（.xlsx）或 CSV 文件。")
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel in China saves CSV as GBK; GB18030 is its superset.
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise Refused("CSV 文件的编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入。") from None
    max_blank = setting("REGISTRY_IMPORT_MAX_BLANK_ROWS", 200)
    name = os.path.splitext(os.path.basename(filename))[0] or "CSV"

    def source(sheet):
        for record in csv.reader(io.StringIO(text, newline="")):
            yield tuple(v if v != "" else None for v in record)

    sheet = Sheet(name, source, max_blank)
    sheet.estimated_rows = text.count("\n")
    return Table([sheet], "csv")


def _open_xlsx(path):
    import openpyxl

    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused("文件已损坏，无法作为 Excel 工作簿打开。请在 Excel 中重新保存为 .xlsx 后再导入。") from None
    with archive:
        names = {i.filename for i in infos}
        if len(infos) > setting("REGISTRY_IMPORT_MAX_ZIP_ENTRIES", 2000):
            raise Refused("文件内部包含的部件过多，不像正常的 Excel 工作簿。请另存为新的 .xlsx 后再导入。")
        unpacked = sum(i.file_size for i in infos)
        max_unpacked = setting("REGISTRY_IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)
        if unpacked > max_unpacked or any(
            i.compress_size and i.file_size > 5 * 1024 * 1024 and i.file_size / i.compress_size > 200 for i in infos
        ):
            raise Refused(
                "文件解压后的大小异常（疑似“压缩炸弹”），已拒绝读取。"
                "如确为正常表格，请删除多余的空行空列后另存为新的 .xlsx 再导入。"
            )
        if "xl/vbaProject.bin" in names:
            raise Refused("工作簿含有宏（VBA），不予读取。请“另存为”普通的 Excel 工作簿（.xlsx）后再导入。")
        if "xl/workbook.xml" not in names:
            if "word/document.xml" in names:
                raise Refused("这是一个 Word 文档，不是 Excel 工作簿。请上传 .xlsx 或 CSV 文件。")
            raise Refused("这不是 Excel 工作簿（可能是改了扩展名的压缩包或其他文件）。请上传 .xlsx 或 CSV 文件。")
        try:
            content_types = archive.read("[Content_Types].xml")
        except KeyError:
            raise Refused("文件已损坏（缺少内容类型说明），无法作为 Excel 工作簿打开。请在 Excel 中重新保存后再导入。") from None
        if b"macroEnabled" in content_types:
            raise Refused("工作簿是启用宏的格式（.xlsm），不予读取。请“另存为”普通的 Excel 工作簿（.xlsx）后再导入。")
        sizes = {i.filename: i.file_size for i in infos}
        sheets_with_formulas = {
            name for name in names
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and _has_formula(archive, name)
        }
    try:
        book = _load_read_only(path, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise Refused("文件已损坏或不是有效的 Excel 工作簿，无法打开。请在 Excel 中重新保存为 .xlsx 后再导入。") from None
    formula_book = None
    if sheets_with_formulas:
        try:
            formula_book = _load_read_only(path, data_only=False)
        except Exception:
            book.close()
            raise Refused("文件已损坏，无法读取其中的公式。请在 Excel 中重新保存为 .xlsx 后再导入。") from None

    max_blank = setting("REGISTRY_IMPORT_MAX_BLANK_ROWS", 200)
    sheets = []
    for ws in book.worksheets:
        if getattr(ws, "_worksheet_path", None) is None:
            continue  # a chart sheet
        has_formulas = ws._worksheet_path in sheets_with_formulas
        sheet = Sheet(ws.title, _xlsx_source(ws, formula_book[ws.title] if has_formulas else None), max_blank)
        claimed = ws.max_row or sizes.get(ws._worksheet_path, 0) // BYTES_PER_ROW  # the dimension record, or a guess
        sheet.estimated_rows = claimed if claimed < 1_000_000 else 0
        sheets.append(sheet)

    def close():
        book.close()
        if formula_book is not None:
            formula_book.close()

    return Table(sheets, "xlsx", closer=close)


BYTES_PER_ROW = 600  # a rough size of one Annex 1 row of sheet XML, for the progress bar only
_LOAD_LOCK = threading.Lock()


def _size_from_header(ws):
    """openpyxl's ReadOnlyWorksheet._get_size, stopping where <sheetData> starts.

    openpyxl means to stop there too, but it waits for the *end* of
    <sheetData>, so a file without a <dimension> record (any file written by a
    streaming writer, our own exports included; Excel writes one) is parsed
    completely once more just to find that out. The reader never trusts the
    dimension anyway (``Sheet.rows`` resets it).
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse  # the parser openpyxl itself uses (defusedxml if present)

    source = ws._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                try:
                    bounds = SheetDimension.from_tree(element).boundaries
                except Exception:  # a malformed ref: as if there were none
                    bounds = None
                if bounds is not None:
                    ws._min_column, ws._min_row, ws._max_column, ws._max_row = bounds
                return
            if element.tag == DATA_TAG:
                return
    finally:
        source.close()


def _load_read_only(path, data_only):
    """openpyxl's read-only load, with the sheet size read from the header only (above).
    The swap is held under a lock so no other load in this process sees it half-done."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _LOAD_LOCK:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = _size_from_header
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
        finally:
            ReadOnlyWorksheet._get_size = original


def _has_formula(archive, name):
    tail = b""
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            window = tail + chunk
            # Most sheets have no "<f" at all: a plain substring test skips the regex.
            if (b"<f" in window or b":f" in window) and _FORMULA_TAG.search(window):
                return True
            tail = chunk[-16:]
    return False


def _xlsx_source(ws, formula_ws):
    def source(sheet):
        # The claimed used range is not trusted (see Sheet.rows); rows come
        # as long as the file has cells.
        ws.reset_dimensions()
        if formula_ws is None:
            yield from ws.iter_rows(values_only=True)
            return
        formula_ws.reset_dimensions()
        for values, formulas in zip(ws.iter_rows(values_only=True), formula_ws.iter_rows(values_only=True)):
            if any(f.__class__ is str and f.startswith("=") for f in formulas):
                values = list(values)
                for i, f in enumerate(formulas):
                    if f.__class__ is str and f.startswith("="):
                        sheet.formula_cells += 1
                        if i >= len(values):
                            values.extend([None] * (i + 1 - len(values)))
                        if values[i] is None:
                            values[i] = _UncomputedFormula(f)
                values = tuple(values)
            yield values

    return source
