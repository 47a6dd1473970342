"""Annex 2 members and the task table both ways; task progress export; phones staff-only."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from portal.registry.groups import EDITORS
from portal.registry.models import JointMeetingMember, Task, TaskProgress, TaskStatus
from portal.registry.spreadsheets import service

ANSHAN = "210300"


def members_state():
    return sorted(JointMeetingMember.objects.values_list("meeting_id", "role", "name", "organisation", "position", "phone", "sort_order"))


def tasks_state():
    return sorted(
        (t.number, t.action_number, t.action_title, t.group_number, t.group_title, t.text, t.scope,
         t.deadline_text, t.deadline, t.is_ongoing, tuple(k.pk for k in t.ordered_kinds()))
        for t in Task.objects.prefetch_related("responsibilities__kind")
    )


def save(data, path):
    path.write_bytes(data)
    return path


def test_members_round_trip(anshan, city_admin, tmp_path):
    JointMeetingMember.objects.filter(name="赵玉娜").update(phone="13900000000")
    before = members_state()
    path = save(service.export("members", anshan, city_admin)[0], tmp_path / "m.xlsx")
    JointMeetingMember.objects.all().delete()
    plan, _record = service.apply_import("members", path, city_admin, anshan)
    assert plan.counts["new"] == 10
    assert members_state() == before


def test_members_layout_and_reimport_is_unchanged(anshan, city_admin, tmp_path):
    path = save(service.export("members", anshan, city_admin)[0], tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert "联席会议机制成员及办公室成员名单" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["序号", "类别", "姓名", "单位", "职务", "联系电话"]
    assert [c.value for c in ws[3]][1:5] == ["召集人", "赵玉娜", "市民政局", "局长"]
    plan = service.preview_import("members", path, city_admin, anshan)
    assert plan.counts["unchanged"] == 10


def test_member_phones_only_for_users_allowed_to_see_them(anshan, make_staff, city_admin, tmp_path):
    JointMeetingMember.objects.update(phone="13900000000")
    viewer = make_staff("viewer", EDITORS, ANSHAN)
    viewer.user_permissions.add(*Group.objects.get(name=EDITORS).permissions.all())
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_jointmeetingmember"))
    viewer = type(viewer).objects.get(pk=viewer.pk)
    hidden = openpyxl.load_workbook(save(service.export("members", anshan, viewer)[0], tmp_path / "v.xlsx")).active
    shown = openpyxl.load_workbook(save(service.export("members", anshan, city_admin)[0], tmp_path / "a.xlsx")).active
    assert "联系电话" not in [c.value for c in hidden[2]]
    assert all("13900000000" not in str(c.value) for r in hidden.iter_rows() for c in r)
    assert "13900000000" in [c.value for c in shown[3]]


def test_members_annex2_style_blank_role_continues_and_errors_name_the_cell(anshan, city_admin, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["鞍山市联席会议成员名单"])
    ws.append(["序号", "类别", "姓名", "单位", "职务"])
    ws.append([1, "召集人", "赵玉娜", "市民政局", "局长"])
    ws.append([2, "成  员", "张  欣", "市财政局", "副局长"])
    ws.append([3, None, "刘壮", "市民政局", "副局长"])
    ws.append([4, "秘书长", "某某", "市民政局", ""])
    path = tmp_path / "a2.xlsx"
    book.save(path)
    plan = service.preview_import("members", path, city_admin, anshan)
    # "成  员" is read as 成员, "张  欣" as 张欣, and the blank role below continues 成员
    assert [r.status for r in plan.rows] == ["unchanged", "unchanged", "unchanged", "error"]
    assert "工作表“Sheet”第 6 行“类别”列（值：秘书长）：类别无法识别" in plan.error_report()
    with pytest.raises(service.ImportRefused):
        service.apply_import("members", path, city_admin, anshan)


def test_tasks_round_trip(anshan, city_admin, tmp_path):
    before = tasks_state()
    path = save(service.export("tasks", anshan, city_admin)[0], tmp_path / "t.xlsx")
    Task.objects.all().delete()
    plan, _record = service.apply_import("tasks", path, city_admin, anshan)
    assert plan.counts["new"] == 29
    assert tasks_state() == before


def test_task_table_layout(anshan, city_admin, tmp_path):
    path = save(service.export("tasks", anshan, city_admin)[0], tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[2]] == ["序号", "重点任务", "具体任务", "责任部门", "完成时限"]
    assert ws["A3"].value.startswith("（一）")
    assert ws["A4"].value == "(1)" and ws["B4"].value.startswith("1.")
    assert ws["D4"].value == "各级民政、卫健、残联"
    values = [c.value for r in ws.iter_rows() for c in r]
    assert "2025年12月取得阶段性成果，持续推进" in values
    assert "各级卫健、民政、残联" in values  # the first one leads, order kept


def test_task_departments_change_the_lead_and_deadline_is_verbatim(anshan, city_admin, tmp_path):
    path = save(service.export("tasks", anshan, city_admin)[0], tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.active
    ws["D4"] = "各级残联、民政"
    ws["E4"] = "2026年6月底前"
    book.save(path)
    plan, _ = service.apply_import("tasks", path, city_admin, anshan)
    assert plan.counts["changed"] == 1
    task = Task.objects.get(number=1)
    assert [k.short_name for k in task.ordered_kinds()] == ["残联", "民政"]
    assert task.deadline_text == "2026年6月底前" and str(task.deadline) == "2026-06-30"


def test_unknown_department_is_an_error(anshan, city_admin, tmp_path):
    path = save(service.export("tasks", anshan, city_admin)[0], tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["D5"] = "各级民政、宣传部"
    book.save(path)
    before = tasks_state()
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("tasks", path, city_admin, anshan)
    assert "第 5 行“责任部门”列" in excinfo.value.report and "没有找到部门“宣传部”" in excinfo.value.report
    assert tasks_state() == before


def test_task_progress_export(anshan, city_admin, tmp_path):
    task = Task.objects.get(number=2)
    task.status = TaskStatus.IN_PROGRESS
    task.save()
    TaskProgress.objects.create(task=task, region=anshan, note="已完成摸底调查表填报", date="2024-01-15")
    path = save(service.export("task_progress", anshan, city_admin)[0], tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert "任务进展情况表" in ws["A1"].value
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["(2)"][5] == "推进中" and rows["(2)"][7] == "2024-01-15" and rows["(2)"][8] == "已完成摸底调查表填报"


def test_commands_import_export_and_dry_run(anshan, city_admin, tmp_path):
    out = tmp_path / "tasks.xlsx"
    stdout = io.StringIO()
    call_command("export_registry", "tasks", str(out), "--region", ANSHAN, stdout=stdout)
    assert "已导出 29 条" in stdout.getvalue()
    book = openpyxl.load_workbook(out)
    book.active["C4"] = "修改后的任务内容"
    book.save(out)
    before = tasks_state()
    stdout = io.StringIO()
    call_command("import_registry", "tasks", str(out), "--region", ANSHAN, "--user", "anshan", "--dry-run", stdout=stdout)
    assert "未写入" in stdout.getvalue() and "修改 1 条" in stdout.getvalue()
    assert tasks_state() == before
    stdout = io.StringIO()
    call_command("import_registry", "tasks", str(out), "--region", ANSHAN, "--user", "anshan", stdout=stdout)
    assert "导入完成：新增 0 条，修改 1 条，未变 28 条" in stdout.getvalue()
    assert Task.objects.get(number=1).text == "修改后的任务内容"


def test_command_refuses_a_region_outside_the_users_scope(county_admin, tmp_path):
    with pytest.raises(CommandError, match="不在您的管辖区划内"):
        call_command("export_registry", "institutions", str(tmp_path / "x.xlsx"), "--region", "210303",
                     "--user", "tiedong", stdout=io.StringIO())
