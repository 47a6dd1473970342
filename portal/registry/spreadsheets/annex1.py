"""Annex 1 (附件1 精康服务机构基本情况统计表): institutions, both ways.

``COLUMNS`` is the one column table: the writer lays the form out from it and
the reader finds the same columns by their header text. A column's meaning
(field, kind, header and the spellings real sheets use) is stated only here.

Why not django-import-export's ModelResource on the hot path: it builds,
validates and saves one model instance per row (about 7.7× the openpyxl
parse time for 10,000 rows, 8× to re-import), and its bulk mode cannot
update existing rows. Instead the reader's cleaned values are compared in
Python with the existing rows fetched in ONE query keyed by (county, name);
new rows go in with one bulk_create and changed rows with one prepared
UPDATE executed for all of them (executemany), inside one transaction.
Unchanged rows are not written at all.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from ..models import Institution, InstitutionCategory, OwnerDepartment, RegionLevel
from . import plan as p
from ..signals import bulk_written
from .reader import CellError, Problem, Refused, check_length, clean_count, clean_mark, clean_text, normalise_header
from .regions import RegionLookup
from .writer import CENTRE, HEADER_FONT, TITLE_FONT, BODY_FONT, LEFT, SheetWriter, new_book

KIND = "institutions"
LABEL = "精康服务机构"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # seq | text | county | mark | count | contact | contact_person | contact_phone
    field: str = ""
    group: str = ""
    choice: str = ""
    width: float = 10
    aliases: tuple = ()
    export: bool = True

    def labels(self):
        return {normalise_header(x) for x in (self.header, *self.aliases)}

    @property
    def title(self):
        return f"{self.group}/{self.header}" if self.group else self.header


OWNER_GROUP = "所属部门"
CATEGORY_GROUP = "机构类别"
STAFF_GROUP = "人员情况"
SERVICE_GROUP = "服务情况"

COLUMNS = [
    Column("seq", "序号", "seq", width=6, aliases=("编号",)),
    Column("name", "机构全称", "text", "name", width=32, aliases=("机构名称", "名称")),
    Column("address", "机构地址", "text", "address", width=30, aliases=("地址", "详细地址")),
    Column("county", "所在县(市、区)", "county", "county", width=14,
           aliases=("所在县市区", "所在县区", "县(市、区)", "县市区", "所在县", "所属县区")),
    *(Column(f"owner_{c.value}", c.label, "mark", "owner_department", OWNER_GROUP, c.value, 6) for c in OwnerDepartment),
    *(Column(f"category_{c.value}", c.label, "mark", "category", CATEGORY_GROUP, c.value, w)
      for c, w in zip(InstitutionCategory, (6, 12, 12, 12))),
    Column("psychiatrists", "精神科医生", "count", "psychiatrists", STAFF_GROUP, width=8),
    Column("therapists", "康复治疗师", "count", "therapists", STAFF_GROUP, width=8),
    Column("counsellors", "心理咨询师", "count", "counsellors", STAFF_GROUP, width=8),
    Column("social_workers", "社会工作者", "count", "social_workers", STAFF_GROUP, width=8),
    Column("other_staff", "其他工作人员", "count", "other_staff", STAFF_GROUP, width=8),
    Column("clients_count", "患者人数", "count", "clients_count", SERVICE_GROUP, width=8),
    Column("service_visits", "服务人次", "count", "service_visits", SERVICE_GROUP, width=9),
    Column("contact", "联系人及联系方式", "contact", width=24, aliases=("联系人及电话", "联系人及联系电话", "联系人和联系方式")),
    # Some offices split the contact into two columns; read, never written.
    Column("contact_person", "联系人", "contact_person", "contact_person", export=False, aliases=("填报人",)),
    Column("contact_phone", "联系方式", "contact_phone", "contact_phone", export=False, aliases=("联系电话", "电话")),
]
EXPORT_COLUMNS = [c for c in COLUMNS if c.export]
GROUPS = (OWNER_GROUP, CATEGORY_GROUP, STAFF_GROUP, SERVICE_GROUP)

# The Annex 1 fields an import compares and writes, in one fixed order.
FIELDS = (
    "name", "address", "county_id", "owner_department", "category", "psychiatrists", "therapists",
    "counsellors", "social_workers", "other_staff", "clients_count", "service_visits",
    "contact_person", "contact_phone",
)
COUNT_FIELDS = ("psychiatrists", "therapists", "counsellors", "social_workers", "other_staff",
                "clients_count", "service_visits")
FIELD_INDEX = {f: i for i, f in enumerate(FIELDS)}
FIELD_LABELS = {
    **{f: Institution._meta.get_field(f).verbose_name for f in FIELDS if f != "county_id"},
    "county_id": "所在县(市、区)",
}
MAX_LENGTHS = {f: Institution._meta.get_field(f).max_length for f in ("name", "address", "contact_person", "contact_phone")}
OWNER_LABELS = dict(OwnerDepartment.choices)
CATEGORY_LABELS = dict(InstitutionCategory.choices)

NOTES = [
    "注：1.精康服务机构是指民政、卫健、残联所属能够提供精神障碍患者转介和康复服务的精神卫生医疗机构、"
    "民政福利机构、残联康复机构、社区康复站点等。",
    "2.本表由各县(市、区)民政、卫健、残联分别填报，同级民政负责汇总，逐级上报至省民政厅。",
    "3.所属部门、机构类别，在相应表格内填“1”。",
]
SIGNATURE_PARTS = ("填报单位(公章)：", "单位负责人(签字)：", "填报时间：      年    月    日")
TOTAL_WORDS = ("合计", "总计", "小计", "汇总")
HEADER_SCAN_ROWS = 30
_PHONE_TAIL = re.compile(r"^(.*?)[\s,，、;；:：/]*((?:[+＋]?\d[\d\-－—\s()（）转]{4,}\d)(?:[\s,，、/]+[+＋]?\d[\d\-－—\s()（）转]{4,}\d)*)$")

_BY_LABEL = {}
for _c in COLUMNS:
    for _label in _c.labels():
        _BY_LABEL.setdefault(_label, _c)


def split_contact(text):
    """"张三 0412-1234567" → ("张三", "0412-1234567"); a bare name or number goes to its side."""
    text = text.strip()
    if not text:
        return "", ""
    match = _PHONE_TAIL.match(text)  # \d also matches full-width digits
    if match:
        return match[1].strip(), unicodedata.normalize("NFKC", match[2]).strip()
    return text, ""


def join_contact(person, phone):
    return " ".join(x for x in (person, phone) if x)


def title_for(region):
    if region is None:
        return "精康服务机构基本情况统计表"
    return f"{region.name}精康服务机构基本情况统计表"


# ---------------------------------------------------------------- reading

class _Layout:
    """Where the columns of one sheet are, found from its header rows."""

    def __init__(self, sheet_name, header_row, sub_row):
        self.sheet = sheet_name
        self.positions = {}  # column key → index
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
            text = sub if sub else top
            if not text:
                continue
            column = _BY_LABEL.get(text)
            if column is None and sub and top and not (top in GROUPS):
                column = _BY_LABEL.get(top)
            if column is None or (column.group and group and column.group != group):
                if text not in GROUPS:
                    self.ignored.append(str((sub_row[i] if sub and sub_row else header_row[i])).strip())
                continue
            self.positions.setdefault(column.key, i)

    def has(self, key):
        return key in self.positions


def _cell(values, index):
    return values[index] if index is not None and index < len(values) else None


def find_header(sheet, rows):
    """Consume rows up to the header; return (layout, header row numbers, first data row or None)."""
    scanned = 0
    for number, values in rows:
        scanned += 1
        labels = {normalise_header(v) for v in values if v is not None}
        if labels & _BY_LABEL["机构全称"].labels():
            sub = next(rows, None)
            sub_values = sub[1] if sub else ()
            sub_labels = {normalise_header(v) for v in sub_values if v is not None}
            has_sub = any(_BY_LABEL.get(x) is not None and _BY_LABEL[x].group for x in sub_labels)
            if has_sub:
                return _Layout(sheet.name, values, sub_values), (number, sub[0]), None
            return _Layout(sheet.name, values, None), (number,), sub
        if scanned >= HEADER_SCAN_ROWS:
            break
    return None, (), None


def read_plan(table, user, region, delete_missing=False, progress=None):
    """Read an Annex 1 file and work out, row by row, what importing it would do."""
    sheet = rows = layout = None
    for candidate in table.sheets:
        rows = candidate.rows()
        layout, header_rows, first = find_header(candidate, rows)
        if layout is not None:
            sheet = candidate
            break
    if layout is None:
        raise Refused("没有在任何工作表的前 30 行找到表头“机构全称”。请使用附件1《精康服务机构基本情况统计表》的格式（可在导入页面下载模板）。")
    result = p.ImportPlan(kind=KIND, sheet=sheet.name)
    _check_columns(layout, region)
    for ignored in layout.ignored:
        result.warnings.append(Problem(sheet.name, header_rows[-1], ignored, None, "未识别的列，已忽略", "如需导入请使用模板中的列名"))
    reader = _RowReader(layout, sheet.name, user, region)

    def data_rows():
        if first is not None:
            yield first
        yield from rows

    seen = {}
    totals = None
    for count, (number, values) in enumerate(data_rows(), start=1):
        if progress and count % 1000 == 0:
            progress(count)
        kind = reader.classify(values)
        if kind == "notes":
            break
        if kind in ("skip", "signature"):
            continue
        if kind == "total":
            totals = (number, values)
            continue
        row = reader.read(number, values)
        if row.status != p.ERROR:
            key = row.payload[0]
            if key in seen:
                row.status = p.ERROR
                row.problems.append(Problem(sheet.name, number, "机构全称", row.label,
                                            f"与第 {seen[key]} 行重复（同一县区内机构全称不能重复）", "删除重复的一行或更正名称"))
            else:
                seen[key] = number
        result.add(row)
    if sheet.formula_cells:
        result.warnings.append(Problem(sheet.name, None, "", None,
                                       f"表中有 {sheet.formula_cells} 个公式单元格，已使用文件中保存的计算结果（系统不计算公式）"))
    if totals is not None:
        _check_totals(result, layout, totals)
    result.context.update({"present": reader.present_fields, "region_id": region.pk if region else None})
    _diff(result, reader, region, delete_missing)
    return result


def _check_columns(layout, region):
    missing = []
    if not layout.has("name"):
        missing.append("机构全称")
    if not any(layout.has(c.key) for c in COLUMNS if c.group == OWNER_GROUP):
        missing.append("所属部门（民政/卫健/残联）")
    if not any(layout.has(c.key) for c in COLUMNS if c.group == CATEGORY_GROUP):
        missing.append("机构类别（医院/社区康复服务机构/基层卫生医疗机构/残联康复服务机构）")
    if not layout.has("county") and (region is None or region.level != RegionLevel.COUNTY):
        missing.append("所在县(市、区)（或在导入时选择一个县级区划）")
    if missing:
        raise Refused("表格缺少以下列：" + "、".join(missing) + "。请使用附件1的表头（可在导入页面下载模板）。")


class _RowReader:
    def __init__(self, layout, sheet_name, user, region):
        self.sheet = sheet_name
        self.region = region
        self.lookup = RegionLookup(user, region)
        pos = layout.positions
        self.pos = pos
        self.seq_idx = pos.get("seq")
        self.name_idx = pos["name"]
        self.text_cols = [(c.field, pos[c.key], c.header) for c in COLUMNS if c.kind == "text" and c.key in pos and c.key != "name"]
        self.count_cols = [(c.field, pos[c.key], c.header) for c in COLUMNS if c.kind == "count" and c.key in pos]
        self.owner_cols = [(c.choice, pos[c.key], c.title) for c in COLUMNS if c.group == OWNER_GROUP and c.key in pos]
        self.category_cols = [(c.choice, pos[c.key], c.title) for c in COLUMNS if c.group == CATEGORY_GROUP and c.key in pos]
        self.county_idx = pos.get("county")
        self.contact_idx = pos.get("contact")
        self.person_idx = pos.get("contact_person") if self.contact_idx is None else None
        self.phone_idx = pos.get("contact_phone") if self.contact_idx is None else None
        present = {"name", "county_id", "owner_department", "category"}
        present.update(f for f, _, _ in self.text_cols)
        present.update(f for f, _, _ in self.count_cols)
        if self.contact_idx is not None:
            present.update(("contact_person", "contact_phone"))
        if self.person_idx is not None:
            present.add("contact_person")
        if self.phone_idx is not None:
            present.add("contact_phone")
        self.present_fields = [f for f in FIELDS if f in present]
        self.content_idx = sorted({i for k, i in pos.items() if k != "seq"})

    def classify(self, values):
        lead = _cell(values, self.seq_idx)
        lead = lead.strip() if lead.__class__ is str else ""
        name = _cell(values, self.name_idx)
        name = name.strip() if name.__class__ is str else name
        first = lead or (name if isinstance(name, str) else "")
        if first.startswith(("注：", "注:", "注 ", "说明")) or first == "注":
            return "notes"
        if not lead and isinstance(name, str) and name.startswith(("注：", "注:")):
            return "notes"
        compact = normalise_header(first) if first else ""
        # "合计", and the roll-up's per-county "铁东区小计".
        if compact.startswith(TOTAL_WORDS) or compact.endswith(TOTAL_WORDS):
            return "total"
        if any(w in compact for w in ("填报单位", "单位负责人", "填报人：", "填报时间")):
            return "signature"
        for i in self.content_idx:
            v = values[i] if i < len(values) else None
            if v is not None and not (v.__class__ is str and (not v.strip() or v.strip() in ("…", "...", "……"))):
                return "data"
        return "skip"

    def _problem(self, number, column, value, exc):
        return Problem(self.sheet, number, column, value, exc.problem, exc.fix)

    def read(self, number, values):
        problems = []
        data = [None] * len(FIELDS)
        name_raw = _cell(values, self.name_idx)
        name = ""
        try:
            name = clean_text(name_raw)
            if not name:
                raise CellError("机构全称为空", "填写机构全称（同一县区内不能重复）")
            if len(name) > MAX_LENGTHS["name"]:
                raise CellError(f"机构全称超过 {MAX_LENGTHS['name']} 个字", "缩短名称")
        except CellError as exc:
            problems.append(self._problem(number, "机构全称", name_raw, exc))
        data[0] = name
        for field, idx, header in self.text_cols:
            raw = _cell(values, idx)
            try:
                data[FIELD_INDEX[field]] = check_length(clean_text(raw), MAX_LENGTHS[field])
            except CellError as exc:
                problems.append(self._problem(number, header, raw, exc))
        for field, idx, header in self.count_cols:
            raw = _cell(values, idx)
            try:
                data[FIELD_INDEX[field]] = clean_count(raw)
            except CellError as exc:
                problems.append(self._problem(number, header, raw, exc))
        for field, cols, group in (("owner_department", self.owner_cols, OWNER_GROUP),
                                   ("category", self.category_cols, CATEGORY_GROUP)):
            chosen = []
            for choice, idx, title in cols:
                raw = _cell(values, idx)
                try:
                    if clean_mark(raw):
                        chosen.append(choice)
                except CellError as exc:
                    problems.append(self._problem(number, title, raw, exc))
            if len(chosen) == 1:
                data[FIELD_INDEX[field]] = chosen[0]
            elif not chosen:
                problems.append(Problem(self.sheet, number, group, None, f"没有标记{group}",
                                        f"在{group}下相应的一格填“1”"))
            else:
                labels = "、".join((OWNER_LABELS | CATEGORY_LABELS)[c] for c in chosen)
                problems.append(Problem(self.sheet, number, group, labels, f"{group}标记了多项",
                                        f"{group}只能在一格填“1”，其余留空"))
        county_raw = _cell(values, self.county_idx)
        try:
            county_text = clean_text(county_raw)
            if county_text:
                data[FIELD_INDEX["county_id"]] = self.lookup.resolve(county_text).pk
            elif self.region is not None and self.region.level == RegionLevel.COUNTY:
                data[FIELD_INDEX["county_id"]] = self.region.pk
            else:
                raise CellError("所在县(市、区)为空", "填写机构所在的县（市、区），如“铁东区”")
        except CellError as exc:
            problems.append(self._problem(number, "所在县(市、区)", county_raw, exc))
        if self.contact_idx is not None:
            raw = _cell(values, self.contact_idx)
            try:
                person, phone = split_contact(clean_text(raw))
                self._check_contact(person, phone)
                data[FIELD_INDEX["contact_person"]] = person
                data[FIELD_INDEX["contact_phone"]] = phone
            except CellError as exc:
                problems.append(self._problem(number, "联系人及联系方式", raw, exc))
        for idx, field, header in ((self.person_idx, "contact_person", "联系人"), (self.phone_idx, "contact_phone", "联系方式")):
            if idx is None:
                continue
            raw = _cell(values, idx)
            try:
                data[FIELD_INDEX[field]] = check_length(clean_text(raw), MAX_LENGTHS[field])
            except CellError as exc:
                problems.append(self._problem(number, header, raw, exc))
        if problems:
            return p.RowResult(self.sheet, number, p.ERROR, name or "（无名称）", problems=problems)
        return p.RowResult(self.sheet, number, p.NEW, name, payload=((data[2], name), data))

    @staticmethod
    def _check_contact(person, phone):
        if len(person) > MAX_LENGTHS["contact_person"]:
            raise CellError(f"联系人超过 {MAX_LENGTHS['contact_person']} 个字", "只填写联系人姓名和电话")
        if len(phone) > MAX_LENGTHS["contact_phone"]:
            raise CellError(f"联系电话超过 {MAX_LENGTHS['contact_phone']} 个字", "只填写一个联系电话")


def _check_totals(result, layout, totals):
    number, values = totals
    sums = dict.fromkeys(COUNT_FIELDS, 0)
    for row in result.rows:
        if row.status != p.ERROR:
            for f in COUNT_FIELDS:
                sums[f] += row.payload[1][FIELD_INDEX[f]] or 0
    for column in COLUMNS:
        if column.kind != "count" or column.key not in layout.positions:
            continue
        raw = _cell(values, layout.positions[column.key])
        if raw is None or raw == "":
            continue
        try:
            stated = clean_count(raw)
        except CellError:
            stated = None
        if stated != sums[column.field]:
            result.warnings.append(Problem(
                result.sheet, number, column.title, raw,
                f"合计行与各行之和（{sums[column.field]}）不一致，合计行不导入",
                "核对合计数或各行数据",
            ))


def _existing(region, county_ids):
    qs = Institution.objects.all()
    if region is not None:
        qs = qs.within(region)
    else:
        qs = qs.filter(county_id__in=county_ids)
    return {(row[3], row[1]): (row[0], list(row[1:])) for row in qs.values_list("id", *FIELDS).iterator(chunk_size=5000)}


def _diff(result, reader, region, delete_missing):
    rows_ok = [r for r in result.rows if r.status != p.ERROR]
    county_ids = {r.payload[0][0] for r in rows_ok}
    existing = _existing(region, county_ids)
    present = [FIELD_INDEX[f] for f in reader.present_fields]
    county_names = {}
    for row in rows_ok:
        key, data = row.payload
        found = existing.get(key)
        if found is None:
            row.status = p.NEW
            continue
        pk, old = found
        changes = []
        merged = list(old)
        for i in present:
            if data[i] != old[i]:
                merged[i] = data[i]
                changes.append(i)
        if changes:
            if FIELD_INDEX["county_id"] in changes and not county_names:
                from ..models import Region

                county_names.update(Region.objects.counties().values_list("pk", "name"))
            row.status = p.CHANGED
            row.changes = [(FIELD_LABELS[FIELDS[i]], _display(FIELDS[i], old[i], county_names),
                            _display(FIELDS[i], data[i], county_names)) for i in changes]
            row.payload = (key, merged, pk)
        else:
            row.status = p.UNCHANGED
            row.payload = (key, old, pk)
    if delete_missing and result.ok:
        in_file = {r.payload[0] for r in rows_ok}
        for key, (pk, old) in existing.items():
            if key not in in_file and (region is not None or key[0] in county_ids):
                result.add(p.RowResult(result.sheet, None, p.DELETED, old[0], payload=(key, old, pk)))


def _display(field, value, county_names=None):
    if field == "owner_department":
        return OWNER_LABELS.get(value, value)
    if field == "category":
        return CATEGORY_LABELS.get(value, value)
    if field == "county_id":
        return (county_names or {}).get(value, value)
    return value


def apply_plan(result):
    """Write the plan in one transaction: new rows with one prepared INSERT run for
    all of them (executemany; on PostgreSQL one COPY), changed rows with one
    prepared UPDATE (on PostgreSQL: COPY into a temporary table and one
    UPDATE … FROM), missing rows with a DELETE when asked.

    Measured on 10,000 rows, bulk_create() spent about as long building model
    instances and SQL as openpyxl needed to parse the file (fresh import ≈ 2×
    the floor); bulk_update() writes one CASE WHEN per field over the batch,
    which grows quadratically. Both statements here keep a fixed shape and
    let the driver stream the parameters.
    """
    now = timezone.now()
    new = [r.payload[1] for r in result.rows if r.status == p.NEW]
    changed = [r.payload for r in result.rows if r.status == p.CHANGED]
    deleted = [r.payload[2] for r in result.rows if r.status == p.DELETED]
    quote = connection.ops.quote_name
    table = quote(Institution._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if new:
            columns, make_row = _insert_shape(now)
            column_list = ", ".join(quote(c) for c in columns)
            if postgres:  # COPY streams every row in one statement
                with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                    for data in new:
                        copy.write_row(make_row(data))
            else:
                cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})",
                                   [make_row(data) for data in new])
        if changed:
            fields = [Institution._meta.get_field(f) for f in FIELDS] + [Institution._meta.get_field("updated_at")]
            stamp = fields[-1].get_db_prep_save(now, connection)
            params = [(*merged, stamp, pk) for _key, merged, pk in changed]
            if postgres:  # COPY into a temporary table, then one UPDATE … FROM it
                names = [f.column for f in fields]
                definitions = ", ".join(f"{quote(c)} {f.db_type(connection)}" for c, f in zip(names, fields))
                # Temporary tables are private to this session; dropped at commit, or here
                # when an outer transaction (a test) runs two imports.
                cursor.execute("DROP TABLE IF EXISTS registry_import_changes")
                cursor.execute(f"CREATE TEMPORARY TABLE registry_import_changes ({definitions}, id bigint) ON COMMIT DROP")
                column_list = ", ".join(quote(c) for c in names + ["id"])
                with cursor.cursor.copy(f"COPY registry_import_changes ({column_list}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
                assignments = ", ".join(f"{quote(c)} = c.{quote(c)}" for c in names)
                cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM registry_import_changes AS c WHERE t.id = c.id")
            else:
                assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s", params)
        for start in range(0, len(deleted), 5000):
            Institution.objects.filter(pk__in=deleted[start:start + 5000]).delete()
    if new or changed:
        keys = [(data[FIELD_INDEX["county_id"]], data[FIELD_INDEX["name"]]) for data in new]
        keys += [key for key, _merged, _pk in changed]
        bulk_written.send(sender=Institution, keys=keys)


def _insert_shape(now):
    """The INSERT's columns and a row builder: Annex 1 values from the file, every
    other column its model default (computed once), updated_at = now."""
    slots = []
    for field in Institution._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.attname in FIELD_INDEX:
            slots.append((field.column, FIELD_INDEX[field.attname], None))
        else:
            value = now if field.name == "updated_at" else field.get_default()
            slots.append((field.column, None, field.get_db_prep_save(value, connection)))
    columns = [c for c, _, _ in slots]
    picks = [(i, const) for _, i, const in slots]

    def make_row(data):
        return [data[i] if i is not None else const for i, const in picks]

    return columns, make_row


# ---------------------------------------------------------------- writing

def write(book, queryset, region, user=None, include_contact=True, rows=None):
    """Lay the Annex 1 form out on a new sheet of ``book`` with the rows of ``queryset``,
    or with ``rows`` (value lists in EXPORT_COLUMNS order: the reporting roll-up's
    rows with its 小计 and 合计 rows)."""
    width = len(EXPORT_COLUMNS)
    sheet = SheetWriter(book, "附件1", [c.width for c in EXPORT_COLUMNS])
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
    count = 0
    if rows is not None:
        before = sheet.row_count
        sheet.fast_rows(rows)
        count = sheet.row_count - before
    elif queryset is not None:
        prefix_city = region is None or region.level == RegionLevel.PROVINCE
        count = _write_rows(sheet, queryset, prefix_city, include_contact)
    else:
        for _ in range(20):  # blank lines of the template
            sheet.row([None] * width, height=20)
    for note in NOTES:
        row = sheet.row_count + 1
        sheet.merge(row, 1, row, width)
        sheet.row([note] + [None] * (width - 1), font=BODY_FONT, alignment=LEFT, border=False, height=30)
    return count


def _write_rows(sheet, queryset, prefix_city, include_contact):
    rows = queryset.order_by("county__path", "name").values_list(
        "name", "address", "county__name", "county__parent__name", "owner_department", "category",
        *COUNT_FIELDS, "contact_person", "contact_phone",
    )
    owner_slots = {c.choice: i for i, c in enumerate(c for c in EXPORT_COLUMNS if c.group == OWNER_GROUP)}
    category_slots = {c.choice: i for i, c in enumerate(c for c in EXPORT_COLUMNS if c.group == CATEGORY_GROUP)}
    n_owner, n_category = len(owner_slots), len(category_slots)

    def generate():
        for seq, r in enumerate(rows.iterator(chunk_size=2000), start=1):
            owner = [None] * n_owner
            owner[owner_slots[r[4]]] = 1
            category = [None] * n_category
            category[category_slots[r[5]]] = 1
            county = (r[3] or "") + r[2] if prefix_city else r[2]
            contact = join_contact(r[13], r[14]) if include_contact else None
            yield (seq, r[0], r[1], county, *owner, *category, *r[6:13], contact)
            sheet_count[0] = seq

    sheet_count = [0]
    sheet.fast_rows(generate())
    return sheet_count[0]


def export(queryset, region, user=None):
    book = new_book()
    count = write(book, queryset, region, user)
    return book, count


def template():
    book = new_book()
    write(book, None, None)
    return book


MODEL = Institution


def queryset_for_region(region):
    qs = Institution.objects.all()
    if region is not None:
        qs = qs.within(region)
    return qs
