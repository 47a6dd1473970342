"""Reading an Annex 1 sheet: find the header, then every data row → clean values or problems.

Rows are read by the column table's keys (``HeaderMap.positions``), never by
a fixed position: offices add, drop and reorder columns. Title, signature,
notes, blank, 合计 (total) and 小计 (subtotal, e.g. "铁东区小计" from a
roll-up) rows are recognised and not imported.
"""

from dataclasses import dataclass, field

from ...models import RegionLevel
from .. import changeset as cs
from ..reader import CellError, Problem, Refused, clean_count, clean_text, normalise_header
from ..regions import RegionLookup
from .columns import (
    BY_KEY, BY_LABEL, CATEGORY_GROUP, CATEGORY_LABELS, COLUMNS, COUNT_FIELDS, DEFAULTS, FIELD_INDEX, FIELDS, GROUPS,
    OWNER_GROUP, OWNER_LABELS,
)

HEADER_SCAN_ROWS = 30
MAX_COUNT = 2_147_483_647
OWNER_INDEX, CATEGORY_INDEX, COUNTY_INDEX = FIELD_INDEX["owner_department"], FIELD_INDEX["category"], FIELD_INDEX["county_id"]
PERSON_INDEX, PHONE_INDEX = FIELD_INDEX["contact_person"], FIELD_INDEX["contact_phone"]
TOTAL_WORDS = ("合计", "总计", "汇总")
SUBTOTAL_WORD = "小计"
SIGNATURE_WORDS = ("填报单位", "单位负责人", "填报人：", "填报时间")
ELLIPSES = ("…", "...", "……")


@dataclass(slots=True)
class Pending:
    """What the write step needs for one row (RowChange.pending)."""

    key: tuple  # (county_id, name): how a row finds its institution
    values: list  # in FIELDS order; fields absent from the file hold the model default
    pk: int | None = None
    before: list | None = None  # the existing row's values (changed, unchanged, deleted rows)
    changed: list = field(default_factory=list)  # indexes into FIELDS that differ


class HeaderMap:
    """Where the columns of one sheet are, found from its (one- or two-row) header."""

    def __init__(self, header_row, sub_row):
        self.positions = {}  # column key → 0-based index
        self.ignored = []
        group = ""
        width = max(len(header_row), len(sub_row or ()))
        for i in range(width):
            top = normalise_header(header_row[i] if i < len(header_row) else None)
            sub = normalise_header(sub_row[i] if sub_row and i < len(sub_row) else None)
            if top in GROUPS:
                group = top
            elif top:
                group = ""
            text = sub or top
            if not text:
                continue
            column = BY_LABEL.get(text)
            if column is None and sub and top and top not in GROUPS:
                column = BY_LABEL.get(top)
            if column is None or (column.group and group and column.group != group):
                if text not in GROUPS:
                    self.ignored.append((i, str(sub_row[i] if sub and sub_row else header_row[i]).strip()))
                continue
            self.positions.setdefault(column.key, i)
        self.width = width

    def has(self, key):
        return key in self.positions

    def group_positions(self, group):
        return tuple(self.positions[c.key] for c in COLUMNS if c.group == group and c.key in self.positions)


def cell(values, index):
    return values[index] if index is not None and index < len(values) else None


def find_header(rows):
    """Consume rows up to the header; return (HeaderMap, header row numbers, first data row or None)."""
    name_labels = BY_KEY["name"].labels()
    for scanned, (number, values) in enumerate(rows, start=1):
        labels = {normalise_header(v) for v in values if v is not None}
        if labels & name_labels:
            sub = next(rows, None)
            sub_values = sub[1] if sub else ()
            has_sub = any((c := BY_LABEL.get(normalise_header(v))) is not None and c.group
                          for v in sub_values if v is not None)
            if has_sub:
                return HeaderMap(values, sub_values), (number, sub[0]), None
            return HeaderMap(values, None), (number,), sub
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, (), None


def check_columns(header, region):
    """Every column the table declares required (``optional=False``) must be there; for a
    group of tick columns (所属部门, 机构类别) at least one of them. The county column
    may be left out when the import's region is itself a county."""
    missing = []
    for column in COLUMNS:
        if column.optional or column.group:
            continue
        if not header.has(column.key):
            missing.append(column.header)
    for group, wording in ((OWNER_GROUP, "（民政/卫健/残联）"), (CATEGORY_GROUP, "（医院/社区康复服务机构/基层卫生医疗机构/残联康复服务机构）")):
        if any(not c.optional for c in COLUMNS if c.group == group) and not header.group_positions(group):
            missing.append(group + wording)
    if not header.has("county") and (region is None or region.level != RegionLevel.COUNTY):
        missing.append("所在县(市、区)（或在导入时选择一个县级区划）")
    if missing:
        raise Refused("表格缺少以下列：" + "、".join(missing) + "。请使用附件1的表头（可在导入页面下载模板）。")


class RowReader:
    """Turns one data row into a RowChange: clean values, or every problem of the row."""

    def __init__(self, header, sheet_name, user, region):
        self.sheet = sheet_name
        self.region = region
        self.lookup = RegionLookup(user, region)
        pos = header.positions
        self.seq_idx = pos.get("seq")
        self.name_idx = pos["name"]
        self.name_widget = BY_KEY["name"].widget
        # (field index, position, column) per kind of column present in this sheet
        self.text_cols = [(FIELD_INDEX[c.field], pos[c.key], c) for c in COLUMNS
                          if c.key in ("address", "contact_person", "contact_phone") and c.key in pos]
        if "contact" in pos:  # one combined cell wins over split columns
            self.text_cols = [t for t in self.text_cols if t[2].key == "address"]
        self.count_cols = [(FIELD_INDEX[c.field], pos[c.key], c) for c in COLUMNS if c.field in COUNT_FIELDS and c.key in pos]
        self.owner_cols = [(c.choice, pos[c.key], c) for c in COLUMNS if c.group == OWNER_GROUP and c.key in pos]
        self.category_cols = [(c.choice, pos[c.key], c) for c in COLUMNS if c.group == CATEGORY_GROUP and c.key in pos]
        self.county_idx = pos.get("county")
        self.contact_idx = pos.get("contact")
        self.contact_widget = BY_KEY["contact"].widget
        present = {"name", "county_id", "owner_department", "category"}
        present.update(FIELDS[i] for i, _, _ in self.text_cols + self.count_cols)
        if self.contact_idx is not None:
            present.update(("contact_person", "contact_phone"))
        self.present_fields = [f for f in FIELDS if f in present]
        self.content_idx = sorted({i for k, i in pos.items() if k != "seq"})
        # For the 合计 check: the sums of every data row, bad rows included.
        self.sums = dict.fromkeys(COUNT_FIELDS, 0)
        self.unsummable = set()

    def classify(self, values):
        """"data", "notes" (stop reading), "total", "subtotal", "signature" or "skip"."""
        lead = cell(values, self.seq_idx)
        name = cell(values, self.name_idx)
        if lead.__class__ is int and name.__class__ is str and name.strip():
            return "data"  # the common row: a number in 序号 and a name (checked first, it is most rows)
        lead = lead.strip() if lead.__class__ is str else ""
        name = name.strip() if name.__class__ is str else ""
        first = lead or name
        if first.startswith(("注：", "注:", "注 ", "说明")) or first == "注":
            return "notes"
        if not lead and name.startswith(("注：", "注:")):
            return "notes"
        compact = normalise_header(first) if first else ""
        if compact.startswith(TOTAL_WORDS):
            return "total"
        if compact.endswith(SUBTOTAL_WORD) or compact.startswith(SUBTOTAL_WORD):
            return "subtotal"
        if any(w in compact for w in SIGNATURE_WORDS):
            return "signature"
        for i in self.content_idx:
            v = values[i] if i < len(values) else None
            if v is not None and not (v.__class__ is str and (not v.strip() or v.strip() in ELLIPSES)):
                return "data"
        return "skip"

    def _problem(self, number, column, value, exc, cells):
        return Problem(self.sheet, number, column, value, exc.problem, exc.fix, cells)

    def read(self, number, values):
        """One data row → RowChange. The common cell (a plain int, a short str, None) takes
        a fast path; anything else goes through the column's widget."""
        problems = []
        data = list(DEFAULTS)
        size = len(values)
        name_raw = values[self.name_idx] if self.name_idx < size else None
        name = ""
        try:
            name = self.name_widget.clean(name_raw)
        except CellError as exc:
            problems.append(self._problem(number, "机构全称", name_raw, exc, (self.name_idx,)))
        data[0] = name
        for index, position, column in self.text_cols:
            raw = values[position] if position < size else None
            try:
                data[index] = column.widget.clean(raw)
            except CellError as exc:
                problems.append(self._problem(number, column.header, raw, exc, (position,)))
        sums = self.sums
        for index, position, column in self.count_cols:
            raw = values[position] if position < size else None
            if raw.__class__ is int and 0 <= raw <= MAX_COUNT:
                value = raw
            else:
                try:
                    value = clean_count(raw)
                except CellError as exc:
                    self.unsummable.add(column.field)
                    problems.append(self._problem(number, column.header, raw, exc, (position,)))
                    continue
            data[index] = value
            sums[column.field] += value
        for index, cols, group in ((OWNER_INDEX, self.owner_cols, OWNER_GROUP),
                                   (CATEGORY_INDEX, self.category_cols, CATEGORY_GROUP)):
            chosen = []
            for choice, position, column in cols:
                raw = values[position] if position < size else None
                if raw is None:
                    continue
                if raw == 1 and raw.__class__ is int:
                    chosen.append((choice, position))
                    continue
                try:
                    if column.widget.clean(raw):
                        chosen.append((choice, position))
                except CellError as exc:
                    problems.append(self._problem(number, column.title, raw, exc, (position,)))
            if len(chosen) == 1:
                data[index] = chosen[0][0]
            elif not chosen:
                problems.append(Problem(self.sheet, number, group, None, f"没有标记{group}",
                                        f"在{group}下相应的一格填“1”", tuple(p for _, p, _ in cols)))
            else:
                labels = "、".join((OWNER_LABELS | CATEGORY_LABELS)[c] for c, _ in chosen)
                problems.append(Problem(self.sheet, number, group, labels, f"{group}标记了多项",
                                        f"{group}只能在一格填“1”，其余留空", tuple(p for _, p in chosen)))
        county_raw = cell(values, self.county_idx)
        try:
            county_text = clean_text(county_raw)
            if county_text:
                data[COUNTY_INDEX] = self.lookup.resolve(county_text).pk
            elif self.region is not None and self.region.level == RegionLevel.COUNTY:
                data[COUNTY_INDEX] = self.region.pk
            else:
                raise CellError("所在县(市、区)为空", "填写机构所在的县（市、区），如“铁东区”")
        except CellError as exc:
            cells = (self.county_idx,) if self.county_idx is not None else ()
            problems.append(self._problem(number, "所在县(市、区)", county_raw, exc, cells))
        if self.contact_idx is not None:
            raw = cell(values, self.contact_idx)
            try:
                data[PERSON_INDEX], data[PHONE_INDEX] = self.contact_widget.clean(raw)
            except CellError as exc:
                problems.append(self._problem(number, "联系人及联系方式", raw, exc, (self.contact_idx,)))
        if problems:
            return cs.RowChange(self.sheet, number, cs.ERROR, name or "（无名称）", problems=problems)
        return cs.RowChange(self.sheet, number, cs.NEW, name, pending=Pending((data[COUNTY_INDEX], name), data))


def read_rows(table, user, region, progress=None):
    """The sheet's rows as a ChangeSet of new-or-error rows (before comparing with the database)."""
    sheet = rows = header = None
    for candidate in table.sheets:
        rows = candidate.rows()
        header, header_rows, first = find_header(rows)
        if header is not None:
            sheet = candidate
            break
    if header is None:
        raise Refused("没有在任何工作表的前 30 行找到表头“机构全称”。请使用附件1《精康服务机构基本情况统计表》的格式（可在导入页面下载模板）。")
    result = cs.ChangeSet(kind="institutions", sheet=sheet.name)
    check_columns(header, region)
    for position, ignored in header.ignored:
        result.warnings.append(Problem(sheet.name, header_rows[-1], ignored, None, "未识别的列，已忽略",
                                       "如需导入请使用模板中的列名"))
    reader = RowReader(header, sheet.name, user, region)

    def data_rows():
        if first is not None:
            yield first
        yield from rows

    seen = {}
    total = None
    for count, (number, values) in enumerate(data_rows(), start=1):
        if progress and count % 1000 == 0:
            progress(count)
        kind = reader.classify(values)
        if kind == "notes":
            break
        if kind == "total":
            total = (number, values)
        if kind != "data":
            continue
        row = reader.read(number, values)
        if row.status != cs.ERROR:
            key = row.pending.key
            if key in seen:
                row.status = cs.ERROR
                row.problems.append(Problem(sheet.name, number, "机构全称", row.label,
                                            f"与第 {seen[key]} 行重复（同一县区内机构全称不能重复）",
                                            "删除重复的一行或更正名称", (reader.name_idx,)))
            else:
                seen[key] = number
        result.add(row)
    if sheet.formula_cells:
        result.warnings.append(Problem(sheet.name, None, "", None,
                                       f"表中有 {sheet.formula_cells} 个公式单元格，已使用文件中保存的计算结果（系统不计算公式）"))
    if total is not None:
        check_total(result, header, reader, total)
    result.context.update({
        "present": reader.present_fields, "region_id": region.pk if region else None,
        "header_rows": header_rows, "width": header.width, "positions": header.positions,
    })
    return result


def check_total(result, header, reader, total):
    """Compare a 合计 row with the sum of every data row (rows with errors in other cells included)."""
    number, values = total
    for column in COLUMNS:
        if column.field not in COUNT_FIELDS or column.key not in header.positions:
            continue
        position = header.positions[column.key]
        raw = cell(values, position)
        if raw is None or raw == "" or column.field in reader.unsummable:
            continue
        try:
            stated = clean_count(raw)
        except CellError:
            stated = None
        summed = reader.sums[column.field]
        if stated != summed:
            result.warnings.append(Problem(
                result.sheet, number, column.title, raw,
                f"合计行（{raw}）与各行之和（{summed}）不一致，合计行不导入",
                "核对合计数或各行数据", (position,),
            ))
