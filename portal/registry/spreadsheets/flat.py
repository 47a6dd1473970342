"""The flat registries through django-import-export: 年度目标, 县级进展报告, 部门, 服务项目, 监督电话.

One header row, one record per row: exactly what django-import-export's
``ModelResource`` is good at. Each registry declares a resource (Chinese
column names, the widgets of ``widgets.py``, the natural key in
``import_id_fields``) and is wrapped in a ``Layout`` so it goes through the
same service as the Annex forms: the shared reader (hostile-file checks),
the preview, the region wall (a region cell outside the user's scope is an
error of that cell; existing rows are looked up only among the rows the user
may see), all-or-nothing or valid rows only, the audit log, the journal and
undo, and the safe writer for exports.
"""

import tablib
from django.db import transaction
from import_export import fields, resources

from portal.supervision.models import Hotline

from ..models import CountyReport, Department, DepartmentKind, Half, RegionLevel, ServiceItem, Target
from ..models.progress import CoverageUnit
from . import changeset as cs
from .journal import OrmJournal, freeze, undo_orm
from .layout import Layout, register
from .reader import CellError, Problem, Refused, clean_text, normalise_header
from .regions import RegionLookup
from .widgets import ChoiceWidget, OptionalCountWidget, CountWidget, PercentWidget, TextWidget, YearWidget, YesNoWidget
from .writer import CENTRE, HEADER_FONT, TITLE_FONT, SheetWriter, new_book

ANY_LEVEL = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


class RegionWidget(TextWidget):
    """A region cell (code or name) resolved inside the import's region and the user's scope."""

    def __init__(self, levels=ANY_LEVEL):
        super().__init__()
        self.levels = levels
        self.lookup = None

    def bind(self, user, region):
        self.lookup = RegionLookup(user, region, level=self.levels)

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if not text:
            raise CellError("区划为空", "填写区划名称或 6 位区划代码")
        return self.lookup.resolve(text)

    def render(self, value, obj=None, **kwargs):
        # Counties and townships repeat their names across cities: "鞍山市铁西区" reads back unambiguously.
        if value is None:
            return ""
        if value.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP) and value.parent_id:
            return value.parent.name + value.name
        return value.name


class ColumnError(Exception):
    """A bad cell of a key column (found while looking the record up)."""

    def __init__(self, column, error):
        super().__init__(error.problem)
        self.column, self.error = column, error


class KindWidget(TextWidget):
    """民政 / 民政局 / an alias → DepartmentKind."""

    def clean(self, value, row=None, **kwargs):
        text = normalise_header(clean_text(value))
        for kind in DepartmentKind.objects.all():
            if text in {normalise_header(n) for n in (kind.short_name, kind.name, *kind.alias_list())}:
                return kind
        raise CellError("部门类别无法识别", "填写部门类别的简称，如“民政”“卫健”“残联”")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.short_name


class ScopedResource(resources.ModelResource):
    """A resource that reads and writes only inside the user's regions."""

    class Meta:
        # Unchanged rows are not saved (and are counted as 未变); the instance
        # before and after is kept for the preview's old → new and for the journal;
        # every row goes through the model's clean() (its Chinese messages).
        skip_unchanged = True
        store_instance = True
        skip_html_diff = True
        clean_model_instances = True

    def __init__(self, user=None, region=None):
        super().__init__()
        self.user, self.region = user, region
        for field in self.fields.values():
            if isinstance(field.widget, RegionWidget):
                field.widget.bind(user, region)

    def get_queryset(self):
        qs = self._meta.model._default_manager.all()
        if getattr(self._meta.model, "region_lookup", None):
            if self.user is not None:
                qs = qs.visible_to(self.user)
            if self.region is not None:
                qs = qs.within(self.region)
        return qs

    def get_instance(self, instance_loader, row):
        # The key columns are cleaned while the record is looked up, before import_field
        # sees them: a bad key cell is reported as that cell's error.
        for name in self._meta.import_id_fields:
            field = self.fields[name]
            try:
                field.clean(row)
            except CellError as exc:
                raise ColumnError(field.column_name, exc) from exc
        return super().get_instance(instance_loader, row)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A widget's CellError becomes a ValidationError of that field, Chinese problem and fix together.
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except CellError as exc:
            raise ValueError(f"{exc.problem}。{fix_sentence(exc.fix)}") from exc


def fix_sentence(fix):
    if not fix:
        return ""
    return fix if fix.startswith("请") else f"请{fix}"


def _field(attribute, header, widget, **kwargs):
    return fields.Field(attribute=attribute, column_name=header, widget=widget, **kwargs)


class TargetResource(ScopedResource):
    region = _field("region", "区划", RegionWidget((RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)))
    year = _field("year", "年度", YearWidget())
    coverage_unit = _field("coverage_unit", "覆盖率统计单位",
                           ChoiceWidget(CoverageUnit.choices, "覆盖率统计单位", {"县": "county", "县区": "county",
                                                                               "街道": "township", "乡镇": "township"}))
    coverage_pct = _field("coverage_pct", "开展服务覆盖率目标（%）", PercentWidget())
    standard_service_rate_pct = _field("standard_service_rate_pct", "登记康复对象接受规范服务率目标（%）", PercentWidget())
    source = _field("source", "依据", TextWidget(200))

    class Meta:
        model = Target
        fields = ("region", "year", "coverage_unit", "coverage_pct", "standard_service_rate_pct", "source")
        import_id_fields = ("region", "year")


class CountyReportResource(ScopedResource):
    county = _field("county", "县(市、区)", RegionWidget((RegionLevel.COUNTY,)))
    year = _field("year", "年度", YearWidget())
    half = _field("half", "报告期", ChoiceWidget(Half.choices, "报告期", {"上半年": "H1", "下半年": "H2", "6月": "H1",
                                                                        "12月": "H2"}))
    offers_service = _field("offers_service", "已开展服务", YesNoWidget())
    townships_total = _field("townships_total", "街道（乡镇）总数", OptionalCountWidget())
    townships_with_service = _field("townships_with_service", "已开展服务的街道（乡镇）数", OptionalCountWidget())
    registered_clients = _field("registered_clients", "登记康复对象人数", CountWidget())
    standard_service_clients = _field("standard_service_clients", "接受规范服务人数", CountWidget())

    class Meta:
        model = CountyReport
        fields = ("county", "year", "half", "offers_service", "townships_total", "townships_with_service",
                  "registered_clients", "standard_service_clients")
        import_id_fields = ("county", "year", "half")


class DepartmentResource(ScopedResource):
    region = _field("region", "所属区划", RegionWidget())
    kind = _field("kind", "部门类别", KindWidget())
    name = _field("name", "部门名称", TextWidget(100, required=True, label="部门名称"))
    address = _field("address", "地址", TextWidget(200))
    phone = _field("phone", "办公电话", TextWidget(40))

    class Meta:
        model = Department
        fields = ("region", "kind", "name", "address", "phone")
        import_id_fields = ("region", "kind")


class ServiceItemResource(ScopedResource):
    name = _field("name", "服务项目", TextWidget(50, required=True, label="服务项目"))
    is_national_standard = _field("is_national_standard", "国家规范项目", YesNoWidget())
    description = _field("description", "说明", TextWidget())
    sort_order = _field("sort_order", "排序", CountWidget())

    class Meta:
        model = ServiceItem
        fields = ("name", "is_national_standard", "description", "sort_order")
        import_id_fields = ("name",)


class HotlineResource(ScopedResource):
    region = _field("region", "所属区划", RegionWidget())
    name = _field("name", "名称", TextWidget(100, required=True, label="名称"))
    number = _field("number", "电话号码", TextWidget(30, required=True, label="电话号码"))
    hours = _field("hours", "受理时间", TextWidget(100))
    official_account = _field("official_account", "微信公众号", TextWidget(100))
    sort_order = _field("sort_order", "排序", CountWidget())

    class Meta:
        model = Hotline
        fields = ("region", "name", "number", "hours", "official_account", "sort_order")
        import_id_fields = ("region", "name")


class FlatLayout(Layout):
    """A flat registry: one header row, a resource does the rows."""

    resource_class = None
    can_delete_missing = False
    title = ""

    @property
    def columns(self):
        return [f.column_name for f in self.resource_class().get_import_fields()]

    # ------------------------------------------------------------ reading

    def _dataset(self, table, resource):
        headers = {normalise_header(f.column_name): f.column_name for f in resource.get_import_fields()}
        key_headers = {normalise_header(resource.fields[k].column_name) for k in resource._meta.import_id_fields}
        for sheet in table.sheets:
            rows = sheet.rows()
            for scanned, (number, values) in enumerate(rows, start=1):
                labels = [normalise_header(v) for v in values]
                if key_headers <= set(labels):
                    positions = {headers[label]: i for i, label in enumerate(labels) if label in headers}
                    ignored = [str(values[i]).strip() for i, label in enumerate(labels)
                               if label and label not in headers]
                    return sheet, number, positions, ignored, rows
                if scanned >= 20:
                    break
        wanted = "、".join(resource.fields[k].column_name for k in resource._meta.import_id_fields)
        raise Refused(f"没有在前 20 行找到表头（至少要有：{wanted}）。请使用“下载模板”得到的格式。")

    def read(self, table, user, region, delete_missing=False, progress=None, matches=None):
        resource = self.resource_class(user, region)
        sheet, header_row, positions, ignored, rows = self._dataset(table, resource)
        changes = cs.ChangeSet(kind=self.kind, sheet=sheet.name)
        for name in ignored:
            changes.warnings.append(Problem(sheet.name, header_row, name, None, "未识别的列，已忽略", "如需导入请使用模板中的列名"))
        names = list(positions)
        dataset = tablib.Dataset(headers=names)
        numbers = []
        for number, values in rows:
            first = clean_text(values[0]) if values else ""
            if first.startswith(("注：", "注:", "说明")):
                break
            dataset.append([values[positions[n]] if positions[n] < len(values) else None for n in names])
            numbers.append(number)
        changes.context.update({"header_rows": (header_row,), "positions": positions, "numbers": numbers,
                                "dataset": dataset, "user": user, "region": region})
        result = resource.import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True,
                                      rollback_on_validation_errors=True)
        self._fill(changes, resource, result, sheet.name, positions, numbers)
        return changes

    def _fill(self, changes, resource, result, sheet, positions, numbers):
        by_attribute = {f.attribute: f.column_name for f in resource.get_import_fields()}
        for index, row_result in enumerate(result.rows):
            number = numbers[index]
            label = self.describe_row(dict(zip(changes.context["dataset"].headers, changes.context["dataset"][index])))
            if row_result.import_type in ("invalid", "error"):
                problems = []
                if row_result.validation_error is not None:
                    for attribute, messages in row_result.validation_error.message_dict.items():
                        column = by_attribute.get(attribute, "")
                        cells = (positions[column],) if column in positions else ()
                        raw = changes.context["dataset"][index][list(positions).index(column)] if column in positions else None
                        for message in messages:
                            problem, _, fix = str(message).partition("。")
                            problems.append(Problem(sheet, number, column or "整行", raw, problem, fix, cells))
                for error in row_result.errors:
                    cause = error.error
                    if isinstance(cause, ColumnError):
                        position = positions.get(cause.column)
                        raw = changes.context["dataset"][index][list(positions).index(cause.column)] \
                            if position is not None else None
                        problems.append(Problem(sheet, number, cause.column, raw, cause.error.problem, cause.error.fix,
                                                (position,) if position is not None else ()))
                    else:
                        problems.append(Problem(sheet, number, "", None, f"无法导入（{type(cause).__name__}）",
                                                "检查这一行是否与已有记录冲突"))
                changes.add(cs.RowChange(sheet, number, cs.ERROR, label, problems=problems))
                continue
            status = {"new": cs.NEW, "update": cs.CHANGED, "skip": cs.UNCHANGED}.get(row_result.import_type, cs.UNCHANGED)
            row = changes.add(cs.RowChange(sheet, number, status, label, pending=index))
            if status == cs.CHANGED and row_result.original is not None:
                for field in resource.get_import_fields():
                    old = field.export(row_result.original)
                    new = field.export(row_result.instance)
                    if old != new:
                        row.changes.append((field.column_name, old, new))
        seen = {}
        for row in changes.rows:  # the same key twice in one file
            if row.status == cs.ERROR:
                continue
            key = row.label
            if key in seen:
                row.status = cs.ERROR
                row.problems.append(Problem(sheet, row.row, "", None, f"与第 {seen[key]} 行是同一条记录", "删除重复的一行"))
            else:
                seen[key] = row.row

    def describe_row(self, values):
        key = [str(values.get(self.resource_class().fields[k].column_name) or "") for k in
               self.resource_class._meta.import_id_fields]
        return " ".join(k for k in key if k)

    # ------------------------------------------------------------ writing

    def apply(self, changes, valid_only=False, publish_new=False):
        context = changes.context
        keep = sorted(r.pending for r in changes.rows if r.status in (cs.NEW, cs.CHANGED))
        dataset = tablib.Dataset(headers=context["dataset"].headers)
        for index in keep:
            dataset.append(context["dataset"][index])
        resource = self.resource_class(context["user"], context["region"])
        journal = OrmJournal(lambda obj: str(obj))
        with transaction.atomic():
            result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=False)
            if result.has_validation_errors():
                raise Refused("导入时数据校验失败（可能是导入期间有人修改了同一批记录）。请刷新后重新导入。")
            for row_result in result.rows:
                if row_result.import_type == "new":
                    journal.created_records([row_result.instance])
                elif row_result.import_type == "update":
                    journal.changed_record(freeze([row_result.original]), [row_result.instance])
        return journal.as_dict()

    def undo(self, journal, user):
        return undo_orm(journal)

    def export(self, queryset, region, user=None):
        resource = self.resource_class(user, region)
        export_fields = resource.get_export_fields()
        book = new_book()
        width = len(export_fields)
        sheet = SheetWriter(book, self.label, [max(10, len(f.column_name) * 2 + 2) for f in export_fields])
        sheet.merge(1, 1, 1, width)
        sheet.row([self.title_for(region)] + [None] * (width - 1), font=TITLE_FONT, alignment=CENTRE, border=False,
                  height=30)
        sheet.row([f.column_name for f in export_fields], font=HEADER_FONT, alignment=CENTRE, height=22)
        sheet.freeze_below(2)
        count = 0
        if queryset is not None:
            for obj in queryset:
                sheet.row([f.export(obj) for f in export_fields])
                count += 1
        return book, count

    def title_for(self, region):
        return f"{region.name if region else ''}{self.title or self.label}"

    def template(self):
        book, _count = self.export(None, None)
        return book


class TargetLayout(FlatLayout):
    kind = "targets"
    label = "年度目标"
    form_label = "年度目标"
    model = Target
    resource_class = TargetResource
    match_key = ("region", "year")
    listing_url_name = "registry_target_modeladmin_index"
    template_filename = "年度目标（模板）.xlsx"


class CountyReportLayout(FlatLayout):
    kind = "county_reports"
    label = "县级进展报告"
    form_label = "县级进展报告"
    model = CountyReport
    resource_class = CountyReportResource
    match_key = ("county", "year", "half")
    listing_url_name = "registry_countyreport_modeladmin_index"
    template_filename = "县级进展报告（模板）.xlsx"


class DepartmentLayout(FlatLayout):
    kind = "departments"
    label = "部门"
    form_label = "部门"
    model = Department
    resource_class = DepartmentResource
    match_key = ("region", "kind")
    listing_url_name = "registry_department_modeladmin_index"
    template_filename = "部门（模板）.xlsx"


class ServiceItemLayout(FlatLayout):
    kind = "service_items"
    label = "服务项目"
    form_label = "服务项目"
    model = ServiceItem
    resource_class = ServiceItemResource
    match_key = ("name",)
    listing_url_name = "registry_serviceitem_modeladmin_index"
    template_filename = "服务项目（模板）.xlsx"


class HotlineLayout(FlatLayout):
    kind = "hotlines"
    label = "监督电话"
    form_label = "监督电话"
    model = Hotline
    resource_class = HotlineResource
    match_key = ("region", "name")
    listing_url_name = "supervision_hotline_modeladmin_index"
    template_filename = "监督电话（模板）.xlsx"


for _layout in (TargetLayout, CountyReportLayout, DepartmentLayout, ServiceItemLayout, HotlineLayout):
    register(_layout())
