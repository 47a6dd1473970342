"""Writing the Annex 1 form (export, blank template): title, signature line, two-row
merged header laid out from the column table, data rows, notes.

``write`` is the whole form; ``start_sheet``, ``row_values`` and
``finish_sheet`` are its parts, for a workbook that adds rows of its own
(a roll-up with 小计/合计 rows).
"""

from ...models import RegionLevel
from ..writer import BODY_FONT, CENTRE, HEADER_FONT, LEFT, TITLE_FONT, SheetWriter, new_book
from .columns import CATEGORY_GROUP, COUNT_FIELDS, EXPORT_COLUMNS, NOTES, OWNER_GROUP, SIGNATURE_PARTS, join_contact, title_for

# What a data row is read from: the Annex 1 fields and the county's names.
ROW_FIELDS = ("name", "address", "county__name", "county__parent__name", "owner_department", "category",
              *COUNT_FIELDS, "contact_person", "contact_phone")
_OWNER_SLOTS = {c.choice: i for i, c in enumerate(c for c in EXPORT_COLUMNS if c.group == OWNER_GROUP)}
_CATEGORY_SLOTS = {c.choice: i for i, c in enumerate(c for c in EXPORT_COLUMNS if c.group == CATEGORY_GROUP)}


def start_sheet(book, region, title="附件1"):
    """A new sheet with the form's title, signature line and header (rows 1–4)."""
    width = len(EXPORT_COLUMNS)
    sheet = SheetWriter(book, title, [c.width for c in EXPORT_COLUMNS])
    sheet.freeze_below(4)
    sheet.print_setup((3, 4))
    sheet.ws.print_options.gridLines = True
    sheet.merge(1, 1, 1, width)
    sheet.row([title_for(region)] + [None] * (width - 1), font=TITLE_FONT, alignment=CENTRE, border=False, height=32)
    # 填报单位 / 单位负责人 / 填报时间, spread over the width in three merged parts.
    thirds = [1, width // 3 + 1, 2 * width // 3 + 1, width + 1]
    signature = [None] * width
    for part, start, end in zip(SIGNATURE_PARTS, thirds, thirds[1:]):
        signature[start - 1] = part
        sheet.merge(2, start, 2, end - 1)
    sheet.row(signature, font=BODY_FONT, alignment=LEFT, border=False, height=24)
    top, sub = [], []
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        if column.group:
            first = index == 1 or EXPORT_COLUMNS[index - 2].group != column.group
            top.append(column.group if first else None)
            sub.append(column.header)
            if first:
                span = sum(1 for c in EXPORT_COLUMNS if c.group == column.group)
                sheet.merge(3, index, 3, index + span - 1)
        else:
            top.append(column.header)
            sub.append(None)
            sheet.merge(3, index, 4, index)
    sheet.row(top, font=HEADER_FONT, alignment=CENTRE, height=24)
    sheet.row(sub, font=HEADER_FONT, alignment=CENTRE, height=36)
    return sheet


def finish_sheet(sheet):
    width = len(EXPORT_COLUMNS)
    for note in NOTES:
        row = sheet.row_count + 1
        sheet.merge(row, 1, row, width)
        sheet.row([note] + [None] * (width - 1), font=BODY_FONT, alignment=LEFT, border=False, height=30)


def row_values(seq, row, prefix_city=False, include_contact=True):
    """One data row of the form from a named row of ``ROW_FIELDS`` (values_list(named=True))."""
    owner = [None] * len(_OWNER_SLOTS)
    owner[_OWNER_SLOTS[row.owner_department]] = 1
    category = [None] * len(_CATEGORY_SLOTS)
    category[_CATEGORY_SLOTS[row.category]] = 1
    county = (row.county__parent__name or "") + row.county__name if prefix_city else row.county__name
    contact = join_contact(row.contact_person, row.contact_phone) if include_contact else None
    counts = [getattr(row, f) for f in COUNT_FIELDS]
    return (seq, row.name, row.address, county, *owner, *category, *counts, contact)


def write(book, queryset, region, user=None, include_contact=True):
    """Lay the Annex 1 form out on a new sheet of ``book`` with the rows of ``queryset``."""
    sheet = start_sheet(book, region)
    count = 0
    if queryset is not None:
        prefix_city = region is None or region.level == RegionLevel.PROVINCE
        rows = queryset.order_by("county__path", "name").values_list(*ROW_FIELDS, named=True)

        def generate():
            nonlocal count
            for seq, row in enumerate(rows.iterator(chunk_size=2000), start=1):
                count = seq
                yield row_values(seq, row, prefix_city, include_contact)

        sheet.fast_rows(generate())
    else:
        for _ in range(20):  # blank lines of the template
            sheet.row([None] * len(EXPORT_COLUMNS), height=20)
    finish_sheet(sheet)
    return count


def export(queryset, region, user=None):
    book = new_book()
    count = write(book, queryset, region, user)
    return book, count


def template():
    book = new_book()
    write(book, None, None)
    return book
