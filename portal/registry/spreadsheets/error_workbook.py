"""The error workbook (错误标注表): the uploaded file, in its own layout, with every bad cell
filled red and carrying a comment (what is wrong, how to fix it), and a
错误说明 column at the right of each bad row. The clerk fixes that same file
and uploads it again.

An .xlsx upload is marked as it is (title rows, merged two-row header, notes,
widths, fonts and other sheets all kept): by editing its XML parts
(``xlsx_patch``, fast), or through openpyxl when the file has something that
path does not handle; a CSV upload becomes an
.xlsx in the layout's own form (Annex 1: title, merged header, notes) with
the CSV's cells in their columns, each row noting its CSV line.
"""

import io
import os
import zipfile

from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import xlsx_patch
from .reader import open_table

RED = PatternFill("solid", fgColor="FFC7CE")
NOTE_FONT = Font(name="宋体", size=10, color="9C0006")
HEADER_FONT = Font(name="宋体", size=11, bold=True, color="9C0006")
WRAP = Alignment(wrap_text=True, vertical="center")
AUTHOR = "精康登记"
NOTE_HEADER = "错误说明"


def problems_by_row(problems):
    """{(sheet, row): [problem dicts]} from Problem objects or their as_dict() form."""
    rows = {}
    for problem in problems:
        data = problem if isinstance(problem, dict) else problem.as_dict()
        if data.get("row"):
            rows.setdefault((data["sheet"], data["row"]), []).append(data)
    return rows


def _message(problem):
    fix = problem.get("fix") or ""
    if fix and not fix.startswith("请"):
        fix = "请" + fix
    return f"{problem.get('column') or '本行'}：{problem['problem']}。{fix}".rstrip("。") + "。"


def build(path, filename, problems, header_rows=(), layout=None):
    """The error workbook for the file at ``path`` as xlsx bytes."""
    marked = problems_by_row(problems)
    if os.path.splitext(filename or path)[1].lower() in (".csv", ".txt") or not _is_zip(path):
        return _from_csv(path, filename, marked, header_rows, layout)
    return _mark_xlsx(path, marked, header_rows)


def _is_zip(path):
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _mark_xlsx(path, marked, header_rows):
    """The fast path edits the file's XML (``xlsx_patch``); openpyxl's full model is the fallback."""
    sheets = {sheet for sheet, _row in marked}
    if len(sheets) == 1:
        marks, notes = {}, {}
        for (_sheet, row), items in marked.items():
            for problem in items:
                for position in problem.get("cells") or ():
                    key = (row, position + 1)
                    marks[key] = (marks[key] + "\n" if key in marks else "") + _message(problem)
            notes[row] = "；".join(_message(p) for p in items)
        try:
            return xlsx_patch.patch(path, sheets.pop(), marks, notes, tuple(header_rows), NOTE_HEADER)
        except (xlsx_patch.Unsupported, KeyError, ValueError, zipfile.BadZipFile):
            pass
    return _mark_with_openpyxl(path, marked, header_rows)


def _mark_with_openpyxl(path, marked, header_rows):
    book = load_workbook(path)
    sheets = {ws.title: ws for ws in book.worksheets}
    for sheet_name in {sheet for sheet, _row in marked}:
        ws = sheets.get(sheet_name)
        if ws is None:
            continue
        note_col = ws.max_column + 1
        letter = get_column_letter(note_col)
        ws.column_dimensions[letter].width = 48
        head = header_rows[0] if header_rows else None
        if head:
            ws.cell(head, note_col, NOTE_HEADER).font = HEADER_FONT
            if len(header_rows) > 1:
                ws.merge_cells(start_row=header_rows[0], start_column=note_col, end_row=header_rows[-1], end_column=note_col)
        for (sheet, row), items in marked.items():
            if sheet != sheet_name:
                continue
            by_cell = {}
            for problem in items:
                for position in problem.get("cells") or ():
                    by_cell.setdefault(position + 1, []).append(_message(problem))
            for column, messages in by_cell.items():
                cell = ws.cell(row, column)
                cell.fill = RED
                cell.comment = Comment("\n".join(messages), AUTHOR, width=260, height=110)
            note = ws.cell(row, note_col, "；".join(_message(p) for p in items))
            note.font, note.alignment = NOTE_FONT, WRAP
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _from_csv(path, filename, marked, header_rows, layout):
    """A CSV upload → the layout's form with the CSV's rows (the header row found by the reader)."""
    from openpyxl import Workbook

    from . import annex1

    with open_table(path, filename) as table:
        sheet = table.sheets[0]
        rows = list(sheet.rows())
    header = header_rows[-1] if header_rows else (rows[0][0] if rows else 1)
    data = [(n, v) for n, v in rows if n > header]
    if layout is not None and layout.kind == annex1.KIND:
        return _annex1_from_csv(sheet.name, data, rows, header_rows, marked)
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet.name[:31] or "Sheet")
    width = max((len(v) for _n, v in rows), default=0)
    for number, values in rows:
        cells = _marked_cells(ws, number, list(values) + [None] * (width - len(values)), marked, sheet.name,
                              dict(enumerate(range(width))))
        if number == header:
            cells.append(_note_header(ws))
        ws.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _annex1_from_csv(sheet_name, data, rows, header_rows, marked):
    from . import annex1
    from .annex1.columns import EXPORT_COLUMNS
    from .annex1.reading import find_header
    from .writer import new_book

    header, _numbers, _first = find_header(iter(rows))
    positions = header.positions if header else {}
    # CSV column → column of the form
    target = {positions[c.key]: i for i, c in enumerate(EXPORT_COLUMNS) if c.key in positions}
    book = new_book()
    form = annex1.start_sheet(book, None)
    form.ws.column_dimensions[get_column_letter(len(EXPORT_COLUMNS) + 1)].width = 48
    for number, values in data:
        laid = [None] * len(EXPORT_COLUMNS)
        for source, dest in target.items():
            if source < len(values):
                laid[dest] = values[source]
        cells = _marked_cells(form.ws, number, laid, marked, sheet_name, target, csv_line=True)
        form.ws.append(cells)
        form.row_count += 1
    annex1.finish_sheet(form)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _note_header(ws):
    cell = WriteOnlyCell(ws, value=NOTE_HEADER)
    cell.font = HEADER_FONT
    return cell


def _marked_cells(ws, number, values, marked, sheet_name, target, csv_line=False):
    from .writer import safe_value

    items = marked.get((sheet_name, number))
    cells = [safe_value(v) for v in values]
    if not items:
        return cells
    for problem in items:
        for position in problem.get("cells") or ():
            dest = target.get(position)
            if dest is None or dest >= len(cells):
                continue
            cell = cells[dest] if hasattr(cells[dest], "fill") else WriteOnlyCell(ws, value=cells[dest])
            cell.fill = RED
            text = _message(problem)
            cell.comment = Comment(text if cell.comment is None else cell.comment.text + "\n" + text, AUTHOR,
                                   width=260, height=110)
            cells[dest] = cell
    note = "；".join(_message(p) for p in items)
    note_cell = WriteOnlyCell(ws, value=(f"CSV 第 {number} 行：" if csv_line else "") + note)
    note_cell.font, note_cell.alignment = NOTE_FONT, WRAP
    return cells + [note_cell]
