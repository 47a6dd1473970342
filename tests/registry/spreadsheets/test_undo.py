"""Undo: created rows go, changed rows get their old values, deleted rows come back; a later edit refuses it."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.prices.models import PriceItem
from portal.registry.models import ImportRecord, Institution, ServiceItem
from portal.registry.spreadsheets import service
from tests.conftest import PASSWORD

from .conftest import build_annex1, row
from .test_members_tasks import members_state, save, tasks_state

ALL_FIELDS = [f.attname for f in Institution._meta.concrete_fields if f.name != "updated_at"]


def everything():
    """Every column of every institution (updated_at aside) and their services."""
    return sorted((*values, tuple(sorted(i.services.values_list("pk", flat=True))))
                  for values, i in ((tuple(getattr(i, f) for f in ALL_FIELDS), i)
                                    for i in Institution.objects.prefetch_related("services")))


def existing_rows(tiedong, clients_bump=0, address=None):
    rows = []
    labels = {"civil_affairs": "民政", "health": "卫健", "disabled_federation": "残联"}
    for seq, i in enumerate(Institution.objects.filter(county=tiedong).order_by("name"), start=1):
        rows.append(row(i.name, owner=labels[i.owner_department], category=i.get_category_display(),
                        staff=(i.psychiatrists, i.therapists, i.counsellors, i.social_workers, i.other_staff),
                        clients=i.clients_count + clients_bump, visits=i.service_visits,
                        contact=f"{i.contact_person} {i.contact_phone}", address=address or i.address, seq=seq))
    return rows


def test_undo_of_a_create_and_update_import_restores_equal_rows(tiedong, county_admin, tmp_path):
    before = everything()
    rows = existing_rows(tiedong, clients_bump=5) + [row("新站甲"), row("新站乙", owner="卫健")]
    plan, record = service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", rows), county_admin, tiedong)
    assert plan.counts["new"] == 2 and plan.counts["changed"] == len(rows) - 2
    assert everything() != before
    undo = service.undo_import(record, county_admin)
    assert everything() == before
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.UNDONE and undo.reverts == record
    assert undo.operation == ImportRecord.Operation.UNDO and undo.new_count == 2
    from wagtail.log_actions import registry

    assert [e.action for e in registry.get_logs_for_instance(undo)] == ["registry.undo"]
    with pytest.raises(service.Refused, match="已经撤销过"):
        service.undo_import(record, county_admin)


def test_undo_of_a_delete_missing_import_brings_rows_back_with_their_prices(tiedong, county_admin, tmp_path):
    victim = Institution.objects.filter(county=tiedong).order_by("name").first()
    victim.services.add(*ServiceItem.objects.all()[:2])
    item = PriceItem.objects.create(institution=victim, name="日间训练", unit="天")
    before = everything()
    path = build_annex1(tmp_path / "one.xlsx", [row("唯一站")])
    plan, record = service.apply_import("institutions", path, county_admin, tiedong, delete_missing=True)
    assert plan.counts["deleted"] >= 1 and not Institution.objects.filter(pk=victim.pk).exists()
    service.undo_import(record, county_admin)
    assert everything() == before
    assert PriceItem.objects.filter(pk=item.pk, institution_id=victim.pk).exists()


def test_undo_refuses_and_lists_rows_edited_after_the_import(tiedong, county_admin, tmp_path):
    rows = existing_rows(tiedong, clients_bump=1) + [row("新站甲")]
    _plan, record = service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", rows), county_admin, tiedong)
    edited = Institution.objects.filter(county=tiedong).exclude(name="新站甲").order_by("name").first()
    edited.address = "后来改过的地址"
    edited.save()
    new = Institution.objects.get(name="新站甲")
    PriceItem.objects.create(institution=new, name="同伴支持", unit="次")
    state = everything()
    with pytest.raises(service.UndoRefused) as excinfo:
        service.undo_import(record, county_admin)
    assert everything() == state  # nothing changed
    report = excinfo.value.report
    assert f"“{edited.name}”：导入后又被修改" in report and "“新站甲”：导入后已添加了收费项目" in report
    refused = ImportRecord.objects.get(reverts=record)
    assert refused.status == ImportRecord.Status.REFUSED and edited.name in refused.error_report
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED


def test_undo_of_members_and_tasks_imports(anshan, city_admin, tmp_path):
    import openpyxl

    members_before, tasks_before = members_state(), tasks_state()
    members = save(service.export("members", anshan, city_admin)[0], tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(members)
    book.active["E3"] = "局长（兼）"
    book.active.append([None, "成员", "新成员", "市财政局", "副局长"])
    book.save(members)
    plan, record = service.apply_import("members", members, city_admin, anshan)
    assert plan.counts["changed"] == 1 and plan.counts["new"] == 1
    service.undo_import(record, city_admin)
    assert members_state() == members_before

    tasks = save(service.export("tasks", anshan, city_admin)[0], tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tasks)
    ws = book.active
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "(1)")
    ws.cell(first, 5).value = "2030年1月"
    ws.cell(first, 4).value = "卫健、民政"
    book.save(tasks)
    plan, record = service.apply_import("tasks", tasks, city_admin, anshan)
    assert plan.counts["changed"] == 1
    assert tasks_state() != tasks_before
    service.undo_import(record, city_admin)
    assert tasks_state() == tasks_before


def test_undo_command_exit_codes(tiedong, county_admin, tmp_path, capsys):
    _plan, record = service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("新站甲")]),
                                         county_admin, tiedong)
    Institution.objects.filter(name="新站甲").update(address="改过")  # no updated_at change …
    Institution.objects.get(name="新站甲").save()  # … an admin save moves it
    with pytest.raises(CommandError) as excinfo:
        call_command("undo_import", str(record.pk))
    assert "撤销被拒绝" in str(excinfo.value) and "新站甲" in str(excinfo.value)
    _plan, second = service.apply_import("institutions", build_annex1(tmp_path / "b.xlsx", [row("新站乙")]),
                                         county_admin, tiedong)
    call_command("undo_import", str(second.pk))
    assert "已撤销导入" in capsys.readouterr().out
    assert not Institution.objects.filter(name="新站乙").exists()
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("undo_import", "999999")


def test_undo_from_the_history_is_region_scoped(client, county_admin, make_staff, tiedong, tmp_path):
    _plan, record = service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("新站甲")]),
                                         county_admin, tiedong)
    make_staff("dalian", "市级管理员", "210200")
    client.login(username="dalian", password=PASSWORD)
    assert client.get(reverse("registry_spreadsheets:undo", args=[record.pk])).status_code == 404
    assert client.post(reverse("registry_spreadsheets:undo", args=[record.pk])).status_code == 404
    assert Institution.objects.filter(name="新站甲").exists()
    client.logout()
    make_staff("anshan2", "市级管理员", "210300")
    client.login(username="anshan2", password=PASSWORD)
    page = client.get(f"/admin/registry/importrecord/inspect/{record.pk}/").content.decode()
    assert "data-undo-link" in page
    assert "确认撤销" in client.get(reverse("registry_spreadsheets:undo", args=[record.pk])).content.decode()
    response = client.post(reverse("registry_spreadsheets:undo", args=[record.pk]))
    assert response.status_code == 302
    assert not Institution.objects.filter(name="新站甲").exists()
