"""Marking cells of an .xlsx in place, at the level of its XML parts (the error workbook's fast path).

Loading a 10,000-row workbook into openpyxl's full object model and saving
it again takes about four times as long as writing the same cells; the error
workbook only needs a few things added, so this module copies the file's zip
parts and edits the few it must:

- ``xl/styles.xml``: one red fill and a dark-red font appended; for each
  style a bad cell has, a copy of it with the red fill (so number formats,
  borders and fonts stay as the clerk had them);
- the sheet: the bad cells get the red style (a blank cell gets an element),
  each bad row a 错误说明 cell at the right, the header its title (merged over
  a two-row header), a column width and the legacy-drawing link;
- new parts: the comments and their VML shapes (written by openpyxl's own
  comment writer), their relationships and content types.

Everything else (title rows, merges, widths, notes, other sheets, shared
strings) is copied byte for byte. ``patch`` raises ``Unsupported`` for what
it does not handle (a sheet that already has comments, unusual XML), and the
caller falls back to openpyxl.
"""

import html
import re
import zipfile
from posixpath import dirname, join, normpath

from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.xml.functions import tostring

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_TYPE = f"{REL_NS}/comments"
VML_TYPE = f"{REL_NS}/vmlDrawing"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CONTENT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
# Elements that must come after <legacyDrawing> in a worksheet (ECMA-376 CT_Worksheet order).
AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                "tableParts", "extLst")

_CELL_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
_ATTR_S = re.compile(r'\bs="(\d+)"')


class Unsupported(Exception):
    """The file has something this module does not edit; use the slow path."""


def _escape(text):
    return html.escape(text, quote=True)


def _sheet_parts(archive):
    """{sheet title: part name} from the workbook and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for rel in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = rel.group(0)
        rid = re.search(r'\bId="([^"]+)"', tag)
        target = re.search(r'\bTarget="([^"]+)"', tag)
        if rid and target:
            path = target[1]
            path = path[1:] if path.startswith("/") else normpath(join("xl", path))
            targets[rid[1]] = path
    parts = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        tag = sheet.group(0)
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\b(?:\w+:)?id="([^"]+)"', tag)
        if name and rid and rid[1] in targets:
            parts[html.unescape(name[1])] = targets[rid[1]]
    return parts


class _Styles:
    """Appends the fill, the font and the cloned cell formats to styles.xml."""

    def __init__(self, xml):
        self.xml = xml
        root = re.search(r"<(\w+:)?styleSheet\b", xml)
        if root is None:
            raise Unsupported("styles")
        self.p = root.group(1) or ""
        self.fill = self._append("fills", f"<{self.p}fill><{self.p}patternFill patternType=\"solid\">"
                                 f"<{self.p}fgColor rgb=\"FFFFC7CE\"/><{self.p}bgColor indexed=\"64\"/>"
                                 f"</{self.p}patternFill></{self.p}fill>")
        self.font = self._append("fonts", f"<{self.p}font><{self.p}sz val=\"10\"/><{self.p}color rgb=\"FF9C0006\"/>"
                                 f"<{self.p}name val=\"宋体\"/></{self.p}font>")
        body = self._body("cellXfs")
        self.xfs = re.findall(rf"<{self.p}xf\b[^>]*?(?:/>|>.*?</{self.p}xf>)", body, re.S)
        if not self.xfs:
            raise Unsupported("cellXfs")
        self.added = []
        self.red = {}
        self.note = self._add_xf(f"<{self.p}xf numFmtId=\"0\" fontId=\"{self.font}\" fillId=\"0\" borderId=\"0\" "
                                 f"xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><{self.p}alignment wrapText=\"1\" "
                                 f"vertical=\"center\"/></{self.p}xf>")

    def _body(self, tag):
        match = re.search(rf"<{self.p}{tag}\b[^>]*>(.*?)</{self.p}{tag}>", self.xml, re.S)
        if match is None:
            raise Unsupported(tag)
        return match.group(1)

    def _append(self, tag, element):
        match = re.search(rf"(<{self.p}{tag}\b[^>]*>)(.*?)(</{self.p}{tag}>)", self.xml, re.S)
        if match is None:
            raise Unsupported(tag)
        index = len(re.findall(rf"<{self.p}{tag[:-1]}\b", match.group(2)))
        opening = re.sub(r'\bcount="\d+"', f'count="{index + 1}"', match.group(1))
        self.xml = self.xml[:match.start()] + opening + match.group(2) + element + match.group(3) + self.xml[match.end():]
        return index

    def _add_xf(self, element):
        self.added.append(element)
        return len(self.xfs) + len(self.added) - 1

    def red_of(self, style):
        """The index of a copy of cell format ``style`` with the red fill."""
        if style not in self.red:
            xf = self.xfs[style] if style < len(self.xfs) else self.xfs[0]
            head_end = xf.index(">")
            head, rest = xf[:head_end], xf[head_end:]
            head = re.sub(r'\sfillId="\d+"', "", head)
            head = re.sub(r'\sapplyFill="\w+"', "", head)
            head = head.rstrip("/")
            self_closing = rest == ">" and xf.endswith("/>")
            head += f' fillId="{self.fill}" applyFill="1"'
            self.red[style] = self._add_xf(head + ("/>" if self_closing else rest))
        return self.red[style]

    def text(self):
        match = re.search(rf"(<{self.p}cellXfs\b[^>]*>)(.*?)(</{self.p}cellXfs>)", self.xml, re.S)
        opening = re.sub(r'\bcount="\d+"', f'count="{len(self.xfs) + len(self.added)}"', match.group(1))
        return (self.xml[:match.start()] + opening + match.group(2) + "".join(self.added) + match.group(3)
                + self.xml[match.end():])


def _cells(row_xml, p):
    """{column index: cell xml} of one row's inner xml."""
    cells = {}
    last = 0
    for cell in re.finditer(rf"<{p}c\b[^>]*?(?:/>|>.*?</{p}c>)", row_xml, re.S):
        text = cell.group(0)
        ref = _CELL_REF.search(text[:text.index(">")])
        last = column_index_from_string(ref[1]) if ref else last + 1
        cells[last] = text
    return cells


def _styled(cell_xml, style):
    head_end = cell_xml.index(">")
    head = cell_xml[:head_end]
    if _ATTR_S.search(head):
        head = _ATTR_S.sub(f's="{style}"', head, count=1)
    else:
        head = head.rstrip("/") + f' s="{style}"' + ("/" if head.endswith("/") else "")
    return head + cell_xml[head_end:]


def patch(path, sheet_title, marks, notes, header_rows, header_text):
    """The file at ``path`` with ``marks`` ({(row, 1-based column): comment}) red and commented,
    ``notes`` ({row: text}) in a new column, and the column titled on the header. Returns bytes."""
    import io

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        part = _sheet_parts(archive).get(sheet_title)
        if part is None or part not in names:
            raise Unsupported("sheet")
        sheet = archive.read(part).decode("utf-8")
        root = re.search(r"<(\w+:)?worksheet\b", sheet)
        if root is None or "legacyDrawing" in sheet:
            raise Unsupported("worksheet")
        p = root.group(1) or ""
        styles = _Styles(archive.read("xl/styles.xml").decode("utf-8"))
        sheet = _patch_sheet(sheet, p, styles, marks, notes, header_rows, header_text)

        rels_part = join(dirname(part), "_rels", part.rsplit("/", 1)[1] + ".rels")
        number = 1
        while f"xl/comments/commentErrors{number}.xml" in names:
            number += 1
        comments_part = f"xl/comments/commentErrors{number}.xml"
        vml_part = f"xl/drawings/commentsErrors{number}.vml"
        records = []
        for (row, column), text in sorted(marks.items()):
            record = CommentRecord(ref=f"{get_column_letter(column)}{row}", author="精康登记", height=110, width=260)
            record.text.t = text
            records.append(record)
        comment_sheet = CommentSheet.from_comments(records)
        comments_xml = tostring(comment_sheet.to_tree())
        vml = comment_sheet.write_shapes()

        rels = (archive.read(rels_part).decode("utf-8") if rels_part in names else
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<Relationships xmlns="{REL_NS.replace("officeDocument/2006/relationships", "package/2006/relationships")}">'
                "</Relationships>")
        depth = part.count("/") - 1  # "xl/worksheets/sheet1.xml" → "../"
        up = "../" * depth
        rels = rels.replace("</Relationships>",
                            f'<Relationship Id="rIdErrComments" Type="{COMMENTS_TYPE}" Target="{up}comments/commentErrors{number}.xml"/>'
                            f'<Relationship Id="rIdErrVml" Type="{VML_TYPE}" Target="{up}drawings/commentsErrors{number}.vml"/>'
                            "</Relationships>")
        legacy = f'<{p}legacyDrawing xmlns:r="{REL_NS}" r:id="rIdErrVml"/>'
        sheet = _insert_before(sheet, p, AFTER_LEGACY, legacy)

        types = archive.read("[Content_Types].xml").decode("utf-8")
        if 'Extension="vml"' not in types:
            types = types.replace("</Types>", f'<Default Extension="vml" ContentType="{VML_CONTENT}"/></Types>')
        types = types.replace("</Types>", f'<Override PartName="/{comments_part}" ContentType="{COMMENTS_CONTENT}"/></Types>')

        replaced = {part: sheet.encode("utf-8"), "xl/styles.xml": styles.text().encode("utf-8"),
                    rels_part: rels.encode("utf-8"), "[Content_Types].xml": types.encode("utf-8")}
        added = {comments_part: comments_xml, vml_part: vml}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in archive.infolist():
                data = replaced.pop(info.filename, None)
                out.writestr(info.filename, data if data is not None else archive.read(info.filename))
            for name, data in {**replaced, **added}.items():
                out.writestr(name, data)
    return buffer.getvalue()


def _insert_before(xml, p, tags, element):
    positions = [m.start() for tag in tags if (m := re.search(rf"<{p}{tag}\b", xml))]
    at = min(positions) if positions else xml.rindex(f"</{p}worksheet>")
    return xml[:at] + element + xml[at:]


def _patch_sheet(sheet, p, styles, marks, notes, header_rows, header_text):
    data = re.search(rf"<{p}sheetData\b[^>]*?(?:/>|>(.*?)</{p}sheetData>)", sheet, re.S)
    if data is None or data.group(1) is None:
        raise Unsupported("sheetData")
    width = 0
    dimension = re.search(rf'<{p}dimension ref="[A-Z]+\d+:([A-Z]+)\d+"', sheet)
    if dimension:
        width = column_index_from_string(dimension[1])
    by_row = {}
    for (row, column) in marks:
        by_row.setdefault(row, set()).add(column)
    touched = set(by_row) | set(notes) | set(header_rows[:1])
    body = data.group(1)
    rows = {}
    for match in re.finditer(rf"<{p}row\b[^>]*?(?:/>|>.*?</{p}row>)", body, re.S):
        text = match.group(0)
        number = re.search(r'\br="(\d+)"', text[:text.index(">")])
        if number and int(number[1]) in touched:
            rows[int(number[1])] = (match.start(), match.end(), text)
            cells = _cells(text, p)
            width = max(width, max(cells, default=0))
    note_col = width + 1
    letter = get_column_letter(note_col)
    pieces, last = [], 0
    for number in sorted(rows):
        start, end, text = rows[number]
        head_end = text.index(">")
        head = re.sub(r'\sspans="[^"]*"', "", text[:head_end]).rstrip("/")
        cells = _cells(text, p)
        for column in by_row.get(number, ()):
            original = cells.get(column)
            style = int(_ATTR_S.search(original[:original.index(">")])[1]) if original and \
                _ATTR_S.search(original[:original.index(">")]) else 0
            red = styles.red_of(style)
            cells[column] = (_styled(original, red) if original
                             else f'<{p}c r="{get_column_letter(column)}{number}" s="{red}"/>')
        note = notes.get(number) or (header_text if header_rows and number == header_rows[0] else None)
        if note:
            cells[note_col] = (f'<{p}c r="{letter}{number}" s="{styles.note}" t="inlineStr"><{p}is>'
                               f'<{p}t xml:space="preserve">{_escape(note)}</{p}t></{p}is></{p}c>')
        pieces.append(body[last:start])
        pieces.append(head + ">" + "".join(cells[c] for c in sorted(cells)) + f"</{p}row>")
        last = end
    pieces.append(body[last:])
    sheet = sheet[:data.start(1)] + "".join(pieces) + sheet[data.end(1):]
    if dimension:
        sheet = re.sub(rf'(<{p}dimension ref="[A-Z]+\d+:)[A-Z]+(\d+")', rf"\g<1>{letter}\g<2>", sheet, count=1)
    if len(header_rows) > 1 and re.search(rf"<{p}mergeCells\b", sheet):
        merge = f'<{p}mergeCell ref="{letter}{header_rows[0]}:{letter}{header_rows[-1]}"/>'
        sheet = re.sub(rf"(<{p}mergeCells\b[^>]*>)", lambda m: re.sub(
            r'count="(\d+)"', lambda c: f'count="{int(c[1]) + 1}"', m.group(1)) + merge, sheet, count=1)
    col = f'<{p}col min="{note_col}" max="{note_col}" width="48" customWidth="1"/>'
    cols = re.search(rf"<{p}cols>(.*?)</{p}cols>", sheet, re.S)
    if cols:
        covered = any(int(a) <= note_col <= int(b) for a, b in re.findall(r'min="(\d+)"\s+max="(\d+)"', cols.group(1)))
        if not covered:
            sheet = sheet[:cols.end(1)] + col + sheet[cols.end(1):]
    else:
        at = sheet.index(f"<{p}sheetData")
        sheet = sheet[:at] + f"<{p}cols>{col}</{p}cols>" + sheet[at:]
    return sheet
