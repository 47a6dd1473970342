"""The one writer: rows of values → a safe, printable .xlsx (openpyxl write-only).

Safe to open: a text cell that would start with = + - @, a tab or a carriage
return is prefixed with an apostrophe and stored as text, so no spreadsheet
program treats it as a formula (django-import-export only escapes "=", and
only when a setting is on); characters Excel rejects are removed.
"""

import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .reader import DANGEROUS_LEADS

# Control characters the XML of a worksheet may not hold (openpyxl raises on them).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_MAX_CELL = 32767

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)


def safe_value(value):
    """A value as it may be written: text neutralised and cleaned, numbers as they are."""
    if value is None or isinstance(value, (int, float)):
        return value
    text = ILLEGAL_CHARACTERS.sub("", str(value))
    if text.startswith(DANGEROUS_LEADS):
        text = "'" + text
    return text[:EXCEL_MAX_CELL]


class SheetWriter:
    """One write-only worksheet with the few layout features the registry forms need."""

    def __init__(self, book, title, widths):
        self.ws = book.create_sheet(title=ILLEGAL_CHARACTERS.sub("", title)[:31] or "Sheet")
        self.width = len(widths)
        self.row_count = 0
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def freeze_below(self, row):
        self.ws.freeze_panes = f"A{row + 1}"

    def print_setup(self, header_rows):
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"

    def merge(self, first_row, first_col, last_row, last_col):
        self.ws.merged_cells.add(
            f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        )

    def row(self, values, font=BODY_FONT, alignment=None, border=True, height=None):
        """Append one row; text is neutralised, every cell styled alike."""
        cells = []
        for index, value in enumerate(values):
            cell = WriteOnlyCell(self.ws, value=safe_value(value))
            if cell.data_type == "f":  # belt and braces: never a formula
                cell.data_type = "s"
            cell.font = font
            cell.alignment = alignment or (LEFT if isinstance(value, str) and len(value) > 8 else CENTRE)
            if border:
                cell.border = BORDER
            cells.append(cell)
        if height:  # row styles must be set before a write-only row is written
            self.ws.row_dimensions[self.row_count + 1].height = height
        self.ws.append(cells)
        self.row_count += 1
        return self.row_count

    def fast_rows(self, rows):
        """Append many data rows as plain values (the export hot path).

        Per-cell styles would triple the time of a 10,000-row export, so data
        rows carry none; the sheet prints its grid lines instead.
        """
        append = self.ws.append
        illegal = ILLEGAL_CHARACTERS.search
        for values in rows:
            if any(v.__class__ is str and v and (v[0] in DANGEROUS_LEADS or illegal(v)) for v in values):
                values = [safe_value(v) for v in values]
            append(values)
            self.row_count += 1


def new_book():
    return Workbook(write_only=True)
