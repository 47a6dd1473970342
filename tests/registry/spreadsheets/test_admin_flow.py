"""The admin flow through the test client: upload → preview → 确认导入 → result; export; template; history."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from portal.registry.models import ImportRecord, Institution
from portal.registry.spreadsheets import uploads
from tests.conftest import PASSWORD

from .conftest import build_annex1, row, snapshot

INSTITUTIONS_INDEX = "/admin/registry/institution/"


@pytest.fixture
def tiedong_client(client, county_admin):
    client.login(username="tiedong", password=PASSWORD)
    return client


def upload(client, path, **data):
    with open(path, "rb") as fh:
        return client.post(reverse("registry_spreadsheets:start", args=["institutions"]),
                           {"file": fh, **data}, follow=False)


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def test_listing_has_import_export_and_template_buttons(tiedong_client):
    page = tiedong_client.get(INSTITUTIONS_INDEX).content.decode()
    assert "data-registry-import" in page and "data-registry-export" in page and "data-registry-template" in page


def test_upload_preview_confirm_result(tiedong_client, county_admin, tiedong, tmp_path):
    existing = Institution.objects.filter(county=tiedong).order_by("name").first()
    rows = [row("新的康复站"), row(existing.name, owner={"civil_affairs": "民政", "health": "卫健",
                                                    "disabled_federation": "残联"}[existing.owner_department],
                                  category=existing.get_category_display(), clients=existing.clients_count + 1,
                                  staff=(existing.psychiatrists, existing.therapists, existing.counsellors,
                                         existing.social_workers, existing.other_staff),
                                  visits=existing.service_visits, address=existing.address,
                                  contact=f"{existing.contact_person} {existing.contact_phone}")]
    response = upload(tiedong_client, build_annex1(tmp_path / "a.xlsx", rows))
    assert response.status_code == 302
    record = ImportRecord.objects.get(user=county_admin)
    assert record.status == ImportRecord.Status.PREVIEWED and record.stored_file
    stored = record.stored_file
    assert uploads.exists(stored)
    assert not Institution.objects.filter(name="新的康复站").exists()  # preview writes nothing

    preview = tiedong_client.get(response["Location"])
    page = preview.content.decode()
    assert "新增 1 条，修改 1 条" in page
    assert f"患者人数：{existing.clients_count} → {existing.clients_count + 1}" in page
    assert 'data-row-status="new"' in page and 'data-row-status="changed"' in page

    confirmed = tiedong_client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]),
                                    {"token": token_of(preview)}, follow=True)
    assert "导入完成" in confirmed.content.decode()
    assert Institution.objects.filter(name="新的康复站", county=tiedong).exists()
    assert Institution.objects.get(pk=existing.pk).clients_count == existing.clients_count + 1
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED and record.new_count == 1 and record.changed_count == 1
    assert record.stored_file == "" and not uploads.exists(stored)  # the upload is removed once applied


def test_tampered_confirmation_is_rejected(tiedong_client, county_admin, tiedong, tmp_path):
    upload(tiedong_client, build_annex1(tmp_path / "a.xlsx", [row("甲站")]))
    record = ImportRecord.objects.get(user=county_admin)
    preview = tiedong_client.get(reverse("registry_spreadsheets:record", args=[record.pk]))
    good = token_of(preview)
    before = snapshot()
    for bad in (good[:-2] + "xx", "", good.replace(":", ";", 1)):
        response = tiedong_client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": bad})
        assert response.status_code == 400
    # a valid token for another record does not confirm this one
    upload(tiedong_client, build_annex1(tmp_path / "b.xlsx", [row("乙站")]))
    other = ImportRecord.objects.filter(user=county_admin).latest("pk")
    response = tiedong_client.post(reverse("registry_spreadsheets:confirm", args=[other.pk]), {"token": good})
    assert response.status_code == 400
    assert snapshot() == before


def test_bad_rows_are_shown_in_chinese_and_cannot_be_confirmed(tiedong_client, county_admin, tmp_path):
    bad = row("无标记站")
    bad[4] = None
    response = upload(tiedong_client, build_annex1(tmp_path / "bad.xlsx", [row("好站"), bad]), )
    page = tiedong_client.get(response["Location"]).content.decode()
    assert "没有标记所属部门" in page and "第 6 行" in page
    assert "data-import-confirm" not in page
    record = ImportRecord.objects.get(user=county_admin)
    # the upload is kept (a day at most) for the error workbook the page offers
    assert record.status == ImportRecord.Status.REFUSED and uploads.exists(record.stored_file)
    assert "data-error-workbook" in page


def test_hostile_upload_gets_a_page_not_a_500(tiedong_client, county_admin, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    response = upload(tiedong_client, path)
    page = tiedong_client.get(response["Location"])
    assert page.status_code == 200 and "PNG 图片" in page.content.decode()


def test_large_file_runs_in_the_background_with_a_status_url(tiedong_client, county_admin, tmp_path, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = 0  # every file counts as large; tests run tasks immediately
    response = upload(tiedong_client, build_annex1(tmp_path / "a.xlsx", [row("后台站")]))
    record = ImportRecord.objects.get(user=county_admin)
    status = tiedong_client.get(reverse("registry_spreadsheets:status", args=[record.pk])).json()
    assert status["finished"] and status["status"] == "previewed" and status["percent"] == 100
    preview = tiedong_client.get(response["Location"])
    tiedong_client.post(reverse("registry_spreadsheets:confirm", args=[record.pk]), {"token": token_of(preview)})
    assert Institution.objects.filter(name="后台站").exists()
    assert tiedong_client.get(reverse("registry_spreadsheets:status", args=[record.pk])).json()["status"] == "applied"


def test_export_of_the_filtered_listing(tiedong_client, tiedong):
    response = tiedong_client.get(INSTITUTIONS_INDEX, {"owner_department__exact": "health", "export": "registry"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "铁东区精康服务机构基本情况统计表"
    names = [ws.cell(r, 2).value for r in range(5, ws.max_row - 2)]
    assert sorted(names) == sorted(Institution.objects.filter(county=tiedong, owner_department="health")
                                   .values_list("name", flat=True))


def test_template_download(tiedong_client):
    response = tiedong_client.get(reverse("registry_spreadsheets:template", args=["institutions"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["B3"].value == "机构全称"


def test_import_history_is_region_scoped_and_read_only(client, county_admin, city_admin, tmp_path, tiedong):
    from portal.registry.spreadsheets import service

    service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("甲站")]), county_admin, tiedong)
    anshan = city_admin.region_assignments.get().region
    service.export("institutions", anshan, city_admin)
    client.login(username="tiedong", password=PASSWORD)
    page = client.get("/admin/registry/importrecord/").content.decode()
    assert "a.xlsx" in page and "鞍山市精康服务机构" not in page
    record = ImportRecord.objects.get(user=county_admin)
    assert client.get(f"/admin/registry/importrecord/inspect/{record.pk}/").status_code == 200
    assert client.get(f"/admin/registry/importrecord/edit/{record.pk}/").status_code in (302, 403, 404)
    assert client.get("/admin/registry/importrecord/create/").status_code in (302, 403)
    assert ImportRecord.objects.filter(pk=record.pk).exists()


def test_other_users_import_pages_are_not_found(client, county_admin, make_staff, tiedong, tmp_path):
    client.login(username="tiedong", password=PASSWORD)
    upload(client, build_annex1(tmp_path / "a.xlsx", [row("甲站")]))
    record = ImportRecord.objects.get(user=county_admin)
    make_staff("other", "县级管理员", "210302")
    client.logout()
    client.login(username="other", password=PASSWORD)
    assert client.get(reverse("registry_spreadsheets:record", args=[record.pk])).status_code == 404
