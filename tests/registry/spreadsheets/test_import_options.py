"""Valid rows only, near-duplicate warnings and matching, publishing after import, and the bugs of issue 11."""

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.registry.models import ImportRecord, Institution
from portal.registry.spreadsheets import service
from portal.registry.spreadsheets.annex1 import saving
from tests.conftest import PASSWORD

from .conftest import build_annex1, row, snapshot

INSTITUTIONS_INDEX = "/admin/registry/institution/"


def bad(name):
    values = row(name)
    values[4] = None
    return values


# ---------------------------------------------------------------- valid rows only

def test_valid_only_writes_exactly_the_valid_rows(tiedong, county_admin, tmp_path):
    before = set(Institution.objects.values_list("name", flat=True))
    path = build_annex1(tmp_path / "a.xlsx", [row("好站甲"), bad("坏站"), row("好站乙", owner="卫健")])
    with pytest.raises(service.ImportRefused):
        service.apply_import("institutions", path, county_admin, tiedong)  # all-or-nothing stays the default
    assert set(Institution.objects.values_list("name", flat=True)) == before
    plan, record = service.apply_import("institutions", path, county_admin, tiedong, valid_only=True)
    assert set(Institution.objects.values_list("name", flat=True)) - before == {"好站甲", "好站乙"}
    assert record.status == ImportRecord.Status.PARTIAL and record.new_count == 2 and record.error_count == 1
    assert "有错误的行未导入" in record.summary and "没有标记所属部门" in record.error_report


def test_valid_only_preview_says_which_rows_are_written(client, county_admin, tiedong, tmp_path):
    client.login(username="tiedong", password=PASSWORD)
    path = build_annex1(tmp_path / "a.xlsx", [row("好站甲"), bad("坏站")])
    with open(path, "rb") as fh:
        response = client.post(reverse("registry_spreadsheets:start", args=["institutions"]),
                               {"file": fh, "valid_only": "on"})
    page = client.get(response["Location"]).content.decode()
    assert "将写入 1 行" in page and "有错误的 1 行不写入" in page and "只导入无误的 1 行" in page
    assert "（不写入）" in page and "data-error-workbook" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    record = ImportRecord.objects.get(user=county_admin)
    client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": token})
    assert Institution.objects.filter(name="好站甲").exists() and not Institution.objects.filter(name="坏站").exists()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.PARTIAL
    assert client.get(reverse("registry_spreadsheets:errors", args=[record.pk])).status_code == 200


def test_a_refused_preview_offers_valid_rows_only(client, county_admin, tiedong, tmp_path):
    client.login(username="tiedong", password=PASSWORD)
    with open(build_annex1(tmp_path / "a.xlsx", [row("好站甲"), bad("坏站")]), "rb") as fh:
        response = client.post(reverse("registry_spreadsheets:start", args=["institutions"]), {"file": fh})
    page = client.get(response["Location"]).content.decode()
    assert "data-import-refused" in page and "只导入无误的 1 行" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    record = ImportRecord.objects.get(user=county_admin)
    client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": token, "valid_only": "1"})
    assert Institution.objects.filter(name="好站甲").exists()


def test_valid_only_command(tiedong, county_admin, tmp_path, capsys):
    path = build_annex1(tmp_path / "a.xlsx", [row("好站甲"), bad("坏站")])
    out = tmp_path / "errors.xlsx"
    call_command("import_registry", "institutions", str(path), "--user", "tiedong", "--valid-only", "--errors-out", str(out))
    printed = capsys.readouterr().out
    assert "已导入无误的行" in printed and "没有标记所属部门" in printed and out.exists()
    assert Institution.objects.filter(name="好站甲").exists()


# ---------------------------------------------------------------- near-duplicates

def test_near_duplicate_is_flagged_and_can_be_kept_or_matched(tiedong, county_admin, tmp_path):
    Institution.objects.create(name="铁东区阳光康复驿站", county=tiedong, address="铁东区胜利路1号",
                               owner_department="civil_affairs", category="community_rehab")
    rows = [row("铁东区阳光精神康复驿站", clients=40), row("铁东区晨曦康复驿站", address="铁东区胜利路1号"),
            row("铁东区月亮湾站")]
    path = build_annex1(tmp_path / "a.xlsx", rows)
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    flagged = {r.label: [d.name for d in r.duplicates] for r in plan.flagged}
    assert flagged == {"铁东区阳光精神康复驿站": ["铁东区阳光康复驿站"], "铁东区晨曦康复驿站": ["铁东区阳光康复驿站"]}
    assert "可能与‘铁东区阳光康复驿站’（名称相近）重复" in plan.warning_report()
    existing = Institution.objects.get(name="铁东区阳光康复驿站")
    # kept as new: a second institution
    matched = service.preview_import("institutions", path, county_admin, tiedong, matches={"5": existing.pk})
    row5 = next(r for r in matched.rows if r.row == 5)
    assert row5.status == "changed" and ("机构全称", "铁东区阳光康复驿站", "铁东区阳光精神康复驿站") in row5.changes
    # a forged match to anything that was not offered is ignored
    other = Institution.objects.filter(county=tiedong).exclude(pk=existing.pk).first()
    forged = service.preview_import("institutions", path, county_admin, tiedong, matches={"7": other.pk})
    assert next(r for r in forged.rows if r.row == 7).status == "new"
    service.apply_import("institutions", path, county_admin, tiedong, matches={"5": existing.pk})
    existing.refresh_from_db()
    assert existing.name == "铁东区阳光精神康复驿站" and existing.clients_count == 40
    assert not Institution.objects.filter(name="铁东区阳光康复驿站").exists()


def test_numbered_stations_are_not_duplicates(tiedong, county_admin, tmp_path):
    Institution.objects.create(name="铁东区康复服务站第1号", county=tiedong, owner_department="civil_affairs",
                               category="community_rehab")
    plan = service.preview_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("铁东区康复服务站第2号")]),
                                  county_admin, tiedong)
    assert plan.flagged == []


def test_matching_in_the_admin_preview(client, county_admin, tiedong, tmp_path):
    existing = Institution.objects.create(name="铁东区阳光康复驿站", county=tiedong, owner_department="civil_affairs",
                                          category="community_rehab")
    client.login(username="tiedong", password=PASSWORD)
    with open(build_annex1(tmp_path / "a.xlsx", [row("铁东区阳光精神康复驿站")]), "rb") as fh:
        response = client.post(reverse("registry_spreadsheets:start", args=["institutions"]), {"file": fh})
    page = client.get(response["Location"]).content.decode()
    assert "可能与‘铁东区阳光康复驿站’重复" in page and f'name="match-5" value="{existing.pk}"' in page
    token = page.split('name="token" value="')[1].split('"')[0]
    record = ImportRecord.objects.get(user=county_admin)
    client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": token, "match-5": str(existing.pk)})
    existing.refresh_from_db()
    assert existing.name == "铁东区阳光精神康复驿站"


# ---------------------------------------------------------------- publishing

def test_result_page_counts_unpublished_and_links_to_them(client, county_admin, tiedong, tmp_path):
    client.login(username="tiedong", password=PASSWORD)
    with open(build_annex1(tmp_path / "a.xlsx", [row("新站甲"), row("新站乙")]), "rb") as fh:
        response = client.post(reverse("registry_spreadsheets:start", args=["institutions"]), {"file": fh})
    page = client.get(response["Location"]).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    record = ImportRecord.objects.get(user=county_admin)
    result = client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": token}, follow=True)
    html = result.content.decode()
    assert "有 <strong>2</strong> 家尚未对外公开" in html
    link = f"{INSTITUTIONS_INDEX}?import={record.pk}&amp;is_published__exact=0"
    assert link in html
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    assert sorted(i.name for i in listing.context["object_list"]) == ["新站乙", "新站甲"]


def test_publish_new_option(tiedong, county_admin, tmp_path):
    Institution.objects.filter(county=tiedong).update(is_published=False)
    rows = [row("新站甲"), row(Institution.objects.filter(county=tiedong).first().name)]
    service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", rows), county_admin, tiedong,
                         publish_new=True, valid_only=True)
    assert Institution.objects.get(name="新站甲").is_published
    assert Institution.objects.filter(county=tiedong, is_published=True).count() == 1  # existing rows untouched


def test_bulk_publish_respects_region_scope_and_is_audited(client, county_admin, tiedong):
    from wagtail.log_actions import registry

    mine = list(Institution.objects.filter(county=tiedong)[:2])
    foreign = Institution.objects.exclude(county=tiedong).first()
    Institution.objects.filter(pk__in=[i.pk for i in mine] + [foreign.pk]).update(is_published=False)
    client.login(username="tiedong", password=PASSWORD)
    page = client.get(INSTITUTIONS_INDEX).content.decode()
    assert 'form="bulk-publish"' in page and "data-bulk-action" in page
    response = client.post(reverse("registry_spreadsheets:publish"),
                           {"action": "publish", "ids": [str(i.pk) for i in mine] + [str(foreign.pk)],
                            "next": INSTITUTIONS_INDEX})
    assert response.status_code == 302 and response["Location"] == INSTITUTIONS_INDEX
    assert all(Institution.objects.get(pk=i.pk).is_published for i in mine)
    assert not Institution.objects.get(pk=foreign.pk).is_published  # outside 铁东区: untouched
    assert [e.action for e in registry.get_logs_for_instance(mine[0])][:1] == ["registry.publish"]
    client.post(reverse("registry_spreadsheets:publish"), {"action": "unpublish", "ids": [str(mine[0].pk)]})
    assert not Institution.objects.get(pk=mine[0].pk).is_published
    assert client.post(reverse("registry_spreadsheets:publish"), {"action": "drop", "ids": ["1"]}).status_code == 400
    # an off-site "next" is not followed
    response = client.post(reverse("registry_spreadsheets:publish"),
                           {"action": "publish", "ids": [], "next": "https://evil.example/"})
    assert response["Location"] == INSTITUTIONS_INDEX


def test_editors_cannot_bulk_publish(client, make_staff, demo_data):
    make_staff("editor", "编辑", "210302")
    client.login(username="editor", password=PASSWORD)
    target = Institution.objects.filter(is_published=False).first() or Institution.objects.first()
    state = target.is_published
    response = client.post(reverse("registry_spreadsheets:publish"),
                           {"action": "unpublish" if state else "publish", "ids": [str(target.pk)]})
    assert response.status_code in (302, 403) and Institution.objects.get(pk=target.pk).is_published == state


# ---------------------------------------------------------------- bugs found while trying it

def test_file_without_contact_column_imports_new_rows(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "a.xlsx", [row("无联系人站")[:-1]])
    ws_book = openpyxl.load_workbook(path)
    ws = ws_book.active
    ws.delete_cols(19)  # drop 联系人及联系方式
    ws_book.save(path)
    plan, _ = service.apply_import("institutions", path, county_admin, tiedong, dry_run=True)
    assert plan.ok
    plan, record = service.apply_import("institutions", path, county_admin, tiedong)
    assert record.status == ImportRecord.Status.APPLIED
    assert Institution.objects.get(name="无联系人站").contact_person == ""


def test_total_row_is_checked_against_every_row_and_refused_record_says_nothing_written(city_admin, anshan, tmp_path):
    rows = [row("甲站", clients=10), row("乙站", county="沈阳市和平区", clients=20), row("丙站", clients=30)]
    path = build_annex1(tmp_path / "a.xlsx", rows, total=[3, 6, 0, 9, 3, 60, 360])
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, city_admin, anshan)
    plan = excinfo.value.plan
    assert "不一致" not in plan.warning_report()  # 60 = 10 + 20 + 30, the refused row included
    record = excinfo.value.record
    assert record.new_count == 0 and "新增" not in record.summary and "未写入任何数据" in record.summary
    assert record.error_count == 1 and record.row_count == 3


def test_county_admin_is_not_told_to_choose_a_parent_region(tiedong, county_admin, tmp_path):
    path = build_annex1(tmp_path / "a.xlsx", [row("外区站", county="铁西区")])
    plan = service.preview_import("institutions", path, county_admin, tiedong)
    report = plan.error_report()
    assert "不在本次导入的区划" in report and "上级区划" not in report and "管理员导入" in report


def test_city_admin_is_offered_a_wider_region(anshan, make_staff, tmp_path, demo_data):
    from portal.registry.models import Region

    user = make_staff("liaoning2", "省级管理员", "210000")
    plan = service.preview_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("外市站", county="沈阳市和平区")]),
                                  user, anshan)
    assert "上级区划" in plan.error_report()
    assert Region.objects.filter(code="210102").exists()


def test_an_edit_made_while_the_import_runs_is_not_reverted(tiedong, county_admin, tmp_path):
    target = Institution.objects.filter(county=tiedong).order_by("name").first()
    labels = {"civil_affairs": "民政", "health": "卫健", "disabled_federation": "残联"}
    values = row(target.name, owner=labels[target.owner_department], category=target.get_category_display(),
                 staff=(target.psychiatrists, target.therapists, target.counsellors, target.social_workers,
                        target.other_staff), clients=target.clients_count + 7, visits=target.service_visits,
                 contact=f"{target.contact_person} {target.contact_phone}", address=target.address)
    plan = service.preview_import("institutions", build_annex1(tmp_path / "a.xlsx", [values]), county_admin, tiedong)
    # the admin edits the address after the import read the row, before it writes
    Institution.objects.filter(pk=target.pk).update(address="管理员刚改的地址")
    from django.db import transaction

    with transaction.atomic():
        saving.apply(plan)
    target.refresh_from_db()
    assert target.address == "管理员刚改的地址" and target.clients_count == values[16]
    # an edit of the same field makes the import refuse instead of overwriting it
    plan = service.preview_import("institutions", build_annex1(tmp_path / "b.xlsx", [
        [*values[:16], values[16] + 1, *values[17:]]]), county_admin, tiedong)
    Institution.objects.filter(pk=target.pk).update(clients_count=999)
    with pytest.raises(saving.ConcurrentEdit):
        with transaction.atomic():
            saving.apply(plan)
    assert Institution.objects.get(pk=target.pk).clients_count == 999


def test_concurrent_edit_is_a_clear_refusal(tiedong, county_admin, tmp_path, monkeypatch):
    target = Institution.objects.filter(county=tiedong).order_by("name").first()
    path = build_annex1(tmp_path / "a.xlsx", [row(target.name, clients=target.clients_count + 3)])
    original = saving.apply

    def meddle(changes, **kwargs):
        Institution.objects.filter(pk=target.pk).update(clients_count=4321)
        return original(changes, **kwargs)

    monkeypatch.setattr(saving, "apply", meddle)
    before = snapshot()
    with pytest.raises(service.ImportRefused) as excinfo:
        service.apply_import("institutions", path, county_admin, tiedong)
    assert "导入期间有人修改" in excinfo.value.report and target.name in excinfo.value.report
    assert snapshot() == before  # the meddling update rolled back with the import


def test_subtotal_and_total_rows_of_a_roll_up_are_skipped(anshan, city_admin, tmp_path):
    subtotal = [None] * 19
    subtotal[0], subtotal[16], subtotal[17] = "铁东区小计", 7, 240
    rows = [row("甲站", clients=3), row("乙站", clients=4), subtotal]
    path = build_annex1(tmp_path / "rollup.xlsx", rows, total=[2, 4, 0, 6, 2, 7, 240])
    plan = service.preview_import("institutions", path, city_admin, anshan)
    assert plan.ok, plan.error_report()
    assert sorted(r.label for r in plan.rows) == ["乙站", "甲站"]
    assert "不一致" not in plan.warning_report()


def test_the_garbage_collector_is_back_on_after_an_import(tiedong, county_admin, tmp_path):
    import gc

    service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("甲站")]), county_admin, tiedong)
    assert gc.isenabled()
    with pytest.raises(service.ImportRefused):
        service.apply_import("institutions", build_annex1(tmp_path / "b.xlsx", [bad("乙站")]), county_admin, tiedong)
    assert gc.isenabled()
