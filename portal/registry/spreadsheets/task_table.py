"""The task-responsibility table (任务分工), both ways, and the task progress export.

Layout: an action row "（一）…行动" across the sheet, then one row per task:
序号 / 重点任务 / 具体任务 / 责任部门 / 完成时限. 重点任务 is merged over its
tasks (a blank cell below it means "same group"); 责任部门 is written as the
plans write it ("各级民政、卫健、残联", the first one leads) and 完成时限 is
kept verbatim ("2025年12月取得阶段性成果，持续推进"). Tasks match on their
number within the region's action plan.
"""

import re

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from ..models import ActionPlan, DepartmentKind, Task, TaskProgress, TaskResponsibility, TaskStatus
from ..models.tasks import chinese_numeral
from ..seeds import split_departments
from . import changeset as cs
from .journal import OrmJournal, freeze
from .layout import Column, Layout, OrmLayout, register
from .reader import CellError, Problem, Refused, clean_text, locate_header, normalise_header
from .writer import CENTRE, HEADER_FONT, LEFT, TITLE_FONT, SheetWriter, new_book

KIND = "tasks"
PROGRESS_KIND = "task_progress"
LABEL = "任务分工"
MODEL = Task


COLUMNS = [
    Column("number", "序号", field="number", width=8, aliases=("编号",), optional=False),
    Column("group", "重点任务", field="group_title", width=26, aliases=("任务",), optional=False),
    Column("text", "具体任务", field="text", width=60, aliases=("工作任务", "任务内容"), optional=False),
    Column("departments", "责任部门", field="responsibilities", width=22, aliases=("责任单位", "牵头及责任部门"),
           optional=False),
    Column("deadline", "完成时限", field="deadline_text", width=22, aliases=("完成时间", "时限"), optional=False),
]
_BY_LABEL = {label: c for c in COLUMNS for label in c.labels()}
_ACTION_RE = re.compile(r"^[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.+)$")
_GROUP_RE = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
_NUMBER_RE = re.compile(r"^[(（]?\s*(\d{1,3})\s*[)）]?$")
_NUMERALS = "一二三四五六七八九十"
FIELDS = ("action_number", "action_title", "group_number", "group_title", "text", "scope", "deadline_text")
FIELD_LABELS = {f: Task._meta.get_field(f).verbose_name for f in FIELDS}


def _numeral_value(text):
    if len(text) == 1:
        return _NUMERALS.index(text) + 1
    if text.startswith("十"):
        return 10 + _NUMERALS.index(text[1]) + 1
    return None


def current_plan(region):
    return ActionPlan.objects.filter(region=region).order_by("-start_year", "-pk").first()


class _Kinds:
    """Department names as the tables write them → DepartmentKind (short name, full name, aliases)."""

    def __init__(self):
        self.by_name = {}
        for kind in DepartmentKind.objects.all():
            for name in (kind.short_name, kind.name, *kind.alias_list()):
                self.by_name.setdefault(normalise_header(name), kind)

    def resolve(self, name):
        kind = self.by_name.get(normalise_header(name))
        if kind is None:
            raise CellError(f"没有找到部门“{name}”", "使用部门类别中的简称，如“民政、卫健、残联”，多个部门用顿号分隔")
        return kind


def read_changes(table, user, region, delete_missing=False, progress=None):
    if region is None:
        raise Refused("导入任务分工时必须指定区划（命令行使用 --region 区划代码）。")
    action_plan = current_plan(region)
    if action_plan is None:
        raise Refused(f"“{region.full_name}”还没有实施方案。请先在后台“实施方案”中新建，再导入任务分工。")
    sheet = table.sheets[0] if table.sheets else None
    if sheet is None:
        raise Refused("文件中没有工作表。")
    rows = sheet.rows()
    _, positions = locate_header(rows, _BY_LABEL, ("具体任务", "任务内容"))
    if positions is None:
        raise Refused(f"工作表“{sheet.name}”的前 20 行没有表头“具体任务”。请使用任务分工表的格式：序号、重点任务、具体任务、责任部门、完成时限。")
    missing = [c.header for c in COLUMNS if not c.optional and c.key not in positions]
    if missing:
        raise Refused("表格缺少以下列：" + "、".join(missing) + "。")
    kinds = _Kinds()
    result = cs.ChangeSet(kind=KIND, sheet=sheet.name)
    action = group = None
    seen = {}

    def cell(values, key):
        i = positions[key]
        return values[i] if i < len(values) else None

    for number, values in rows:
        texts = [clean_text(v) if not isinstance(v, (int, float)) else v for v in values]
        non_empty = [t for t in texts if t not in ("", None)]
        first = str(non_empty[0]) if non_empty else ""
        if first.startswith(("注：", "注:", "说明")):
            break
        if len(non_empty) == 1 and (m := _ACTION_RE.match(first)) and _numeral_value(m[1]):
            action = (_numeral_value(m[1]), m[2].strip())
            continue
        problems = []
        raw_number = cell(values, "number")
        task_number = None
        try:
            text_number = clean_text(raw_number)
            m = _NUMBER_RE.match(text_number)
            if not m:
                raise CellError("序号应为任务编号，如“(1)”或“1”", "填写具体任务的编号")
            task_number = int(m[1])
        except CellError as exc:
            problems.append(Problem(sheet.name, number, "序号", raw_number, exc.problem, exc.fix))
        raw_group = cell(values, "group")
        group_text = clean_text(raw_group)
        if group_text:
            m = _GROUP_RE.match(group_text)
            if m:
                group = (int(m[1]), m[2].strip())
            else:
                problems.append(Problem(sheet.name, number, "重点任务", raw_group, "重点任务应以编号开头，如“1.建立健全……”", "在重点任务前加上编号"))
        elif group is None:
            problems.append(Problem(sheet.name, number, "重点任务", None, "重点任务为空", "填写该任务所属的重点任务（合并单元格下方可留空）"))
        text = clean_text(cell(values, "text"))
        if not text:
            problems.append(Problem(sheet.name, number, "具体任务", None, "具体任务为空", "填写任务内容"))
        raw_departments = cell(values, "departments")
        scope, kind_ids = "", []
        try:
            scope, names = split_departments(clean_text(raw_departments))
            if not names:
                raise CellError("责任部门为空", "填写责任部门，如“各级民政、卫健、残联”，第一个为牵头部门")
            for name in names:
                kind = kinds.resolve(name)
                if kind.pk in kind_ids:
                    raise CellError(f"部门“{name}”重复", "每个部门只写一次")
                kind_ids.append(kind.pk)
        except CellError as exc:
            problems.append(Problem(sheet.name, number, "责任部门", raw_departments, exc.problem, exc.fix))
        deadline = clean_text(cell(values, "deadline"))
        if len(deadline) > Task._meta.get_field("deadline_text").max_length:
            problems.append(Problem(sheet.name, number, "完成时限", deadline, "超过 100 个字", "缩短内容"))
        if task_number is not None:
            if task_number in seen:
                problems.append(Problem(sheet.name, number, "序号", raw_number, f"与第 {seen[task_number]} 行的任务编号重复", "更正编号"))
            seen[task_number] = number
        label = f"({task_number}) {text[:30]}" if task_number is not None else text[:30] or "（空）"
        if problems:
            result.add(cs.RowChange(sheet.name, number, cs.ERROR, label, problems=problems))
            continue
        data = {
            "action_number": action[0] if action else None, "action_title": action[1] if action else None,
            "group_number": group[0], "group_title": group[1], "text": text, "scope": scope,
            "deadline_text": deadline,
        }
        result.add(cs.RowChange(sheet.name, number, cs.NEW, label, pending=(task_number, data, kind_ids)))
    result.context.update({"plan_id": action_plan.pk})
    _diff(result, action_plan, delete_missing)
    return result


def _diff(result, action_plan, delete_missing):
    existing = {t.number: t for t in action_plan.tasks.prefetch_related("responsibilities__kind")}
    names = dict(DepartmentKind.objects.values_list("pk", "short_name"))
    for row in result.rows:
        if row.status == cs.ERROR:
            continue
        number, data, kind_ids = row.pending
        task = existing.get(number)
        if task is None:
            if data["action_number"] is None:
                row.status = cs.ERROR
                row.problems.append(Problem(result.sheet, row.row, "序号", number, "新任务前没有所属行动的标题行",
                                            "在任务上方加一行行动标题，如“（一）……行动”"))
            continue
        if data["action_number"] is None:  # a sheet without action rows keeps the tasks' actions
            data["action_number"], data["action_title"] = task.action_number, task.action_title
        changes = [(FIELD_LABELS[f], getattr(task, f), data[f]) for f in FIELDS if getattr(task, f) != data[f]]
        old_kinds = [r.kind_id for r in sorted(task.responsibilities.all(), key=lambda r: r.position)]
        if old_kinds != kind_ids:
            changes.append(("责任部门", "、".join(names[k] for k in old_kinds), "、".join(names[k] for k in kind_ids)))
        row.status = cs.CHANGED if changes else cs.UNCHANGED
        row.changes = changes
        row.pending = (number, data, kind_ids, task.pk, old_kinds != kind_ids)
    if delete_missing and result.ok:
        in_file = {r.pending[0] for r in result.rows}
        for number, task in existing.items():
            if number not in in_file:
                result.add(cs.RowChange(result.sheet, None, cs.DELETED, f"({number}) {task.text[:30]}（其进展记录一并删除）",
                                       pending=(number, None, None, task.pk, False)))


def apply_changes(result, valid_only=False, publish_new=False):
    """Write the rows (inside the caller's transaction); return the undo journal."""
    action_plan = ActionPlan.objects.get(pk=result.context["plan_id"])
    journal = OrmJournal(lambda t: f"任务({t.number})")
    with transaction.atomic():
        for row in result.rows:
            if row.status == cs.NEW:
                number, data, kind_ids = row.pending
                task = Task.objects.create(plan=action_plan, number=number, **data)
                TaskResponsibility.objects.bulk_create(
                    TaskResponsibility(task=task, kind_id=k, position=i) for i, k in enumerate(kind_ids)
                )
                journal.created_records([task], children=_children(task))
            elif row.status == cs.CHANGED:
                number, data, kind_ids, pk, departments_changed = row.pending
                task = Task.objects.get(pk=pk)
                before = journal.before(task, children=_children(task))
                for field, value in data.items():
                    setattr(task, field, value)
                task.save()  # re-reads the deadline from its text
                if departments_changed:
                    task.responsibilities.all().delete()
                    TaskResponsibility.objects.bulk_create(
                        TaskResponsibility(task=task, kind_id=k, position=i) for i, k in enumerate(kind_ids)
                    )
                journal.changed_record(before, [task, *_children(task)])
            elif row.status == cs.DELETED:
                for task in Task.objects.filter(pk=row.pending[3]):
                    journal.deleting(task)
                    task.delete()
    return journal.as_dict()


def _children(task):
    return list(TaskResponsibility.objects.filter(task=task).order_by("pk"))


def _children_now(after):
    return freeze(list(TaskResponsibility.objects.filter(task_id=after[0]["pk"]).order_by("pk")))


def _tasks_by_plan(queryset, user=None):
    # Progress notes come from the regions the user may see (a county sees its own).
    notes = TaskProgress.objects.all() if user is None else TaskProgress.objects.visible_to(user)
    tasks = queryset.select_related("plan__region").prefetch_related(
        "responsibilities__kind", Prefetch("progress_notes", queryset=notes)
    )
    plans = {}
    for task in tasks.order_by("plan__region__path", "plan", "number"):
        plans.setdefault(task.plan, []).append(task)
    return plans


class TaskTableLayout(OrmLayout):
    kind = KIND
    label = LABEL
    form_label = "任务分工"
    model = Task
    columns = COLUMNS
    match_key = ("plan", "number")
    listing_url_name = "registry_task_modeladmin_index"
    template_filename = "任务分工（模板）.xlsx"
    needs_region = True


def write(book, queryset, region):
    plans = _tasks_by_plan(queryset) if queryset is not None else {}
    if not plans:
        plans = {None: []}
    total = 0
    width = len(COLUMNS)
    for action_plan, tasks in plans.items():
        title = f"{action_plan.title}任务分工" if action_plan else "任务分工"
        sheet = SheetWriter(book, (action_plan.region.name if action_plan else "任务分工"), [c.width for c in COLUMNS])
        sheet.merge(1, 1, 1, width)
        sheet.row([title] + [None] * (width - 1), font=TITLE_FONT, alignment=CENTRE, border=False, height=32)
        sheet.row([c.header for c in COLUMNS], font=HEADER_FONT, alignment=CENTRE, height=22)
        sheet.freeze_below(2)
        sheet.print_setup((2, 2))
        action = group = None
        group_start = None
        for task in tasks:
            if task.action_number != action:
                action = task.action_number
                group = None
                row = sheet.row_count + 1
                sheet.merge(row, 1, row, width)
                sheet.row([f"（{chinese_numeral(task.action_number)}）{task.action_title}"] + [None] * (width - 1),
                          font=HEADER_FONT, alignment=LEFT)
            group_label = f"{task.group_number}.{task.group_title}"
            if (task.action_number, task.group_number) != group:
                if group_start is not None and sheet.row_count > group_start:
                    sheet.merge(group_start, 2, sheet.row_count, 2)
                group = (task.action_number, task.group_number)
                group_start = sheet.row_count + 1
                shown = group_label
            else:
                shown = None
            sheet.row([f"({task.number})", shown, task.text, task.departments_text, task.deadline_text])
            total += 1
            next_index = tasks.index(task) + 1
            ends_group = next_index >= len(tasks) or (
                (tasks[next_index].action_number, tasks[next_index].group_number) != group)
            if ends_group:
                if sheet.row_count > group_start:
                    sheet.merge(group_start, 2, sheet.row_count, 2)
                group_start = None
    return total


def export(queryset, region, user=None):
    book = new_book()
    return book, write(book, queryset, region)


def template():
    book = new_book()
    write(book, None, None)
    return book


# ---------------------------------------------------------------- progress (export only)

PROGRESS_COLUMNS = [
    ("序号", 8), ("具体任务", 50), ("牵头部门", 10), ("责任部门", 20), ("完成时限", 20),
    ("状态", 10), ("是否逾期", 10), ("最新进展日期", 14), ("最新进展情况", 50), ("进展记录数", 10),
]


def write_progress(book, queryset, region, user=None):
    plans = _tasks_by_plan(queryset, user)
    if not plans:
        plans = {None: []}
    today = timezone.localdate()
    total = 0
    width = len(PROGRESS_COLUMNS)
    status_labels = dict(TaskStatus.choices)
    for action_plan, tasks in plans.items():
        title = f"{action_plan.title}任务进展情况表（截至{today:%Y年%m月%d日}）" if action_plan else "任务进展情况表"
        sheet = SheetWriter(book, (action_plan.region.name if action_plan else "任务进展"), [w for _, w in PROGRESS_COLUMNS])
        sheet.merge(1, 1, 1, width)
        sheet.row([title] + [None] * (width - 1), font=TITLE_FONT, alignment=CENTRE, border=False, height=32)
        sheet.row([h for h, _ in PROGRESS_COLUMNS], font=HEADER_FONT, alignment=CENTRE, height=22)
        sheet.freeze_below(2)
        sheet.print_setup((2, 2))
        for task in tasks:
            notes = sorted(task.progress_notes.all(), key=lambda n: (n.date, n.pk), reverse=True)
            latest = notes[0] if notes else None
            lead = task.lead_kind
            sheet.row([
                f"({task.number})", task.text, lead.short_name if lead else "", task.departments_text,
                task.deadline_text, status_labels.get(task.status, task.status),
                "已逾期" if task.is_overdue_on(today) else "否",
                latest.date.isoformat() if latest else "", latest.note if latest else "", len(notes),
            ])
            total += 1
    return total


def _progress_export(queryset, region, user=None):
    book = new_book()
    return book, write_progress(book, queryset, region, user)


class TaskProgressLayout(Layout):
    """任务进展: export only (progress notes are written in the back office, not imported)."""

    kind = PROGRESS_KIND
    label = "任务进展"
    form_label = "任务进展"
    model = Task
    listing_url_name = "registry_task_modeladmin_index"
    importable = False

    def export(self, queryset, region, user=None):
        return _progress_export(queryset, region, user)


TaskTableLayout.read_changes = staticmethod(read_changes)
TaskTableLayout.apply_changes = staticmethod(apply_changes)
TaskTableLayout.export_book = staticmethod(export)
TaskTableLayout.blank_book = staticmethod(template)
TaskTableLayout.child_sets = staticmethod(_children_now)
LAYOUT = register(TaskTableLayout())
PROGRESS_LAYOUT = register(TaskProgressLayout())
