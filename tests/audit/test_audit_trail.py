"""Audit trail: create/edit/delete in the registries, imports/exports and
supervision status changes are logged with user, time, what changed, and
shown region-scoped in the admin."""

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from portal.audit.models import RegionLogEntry
from portal.registry.groups import COUNTY_ADMINS
from portal.registry.models import Institution, Region

URL = "/admin/registry/institution/"
pytestmark = pytest.mark.django_db


def form_data(instance, **changes):
    data = {}
    for key, value in {**model_to_dict(instance), **changes}.items():
        if key == "id":
            continue
        if isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
        elif value is None:
            data[key] = ""
        else:
            data[key] = value
    return data


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tiedong_institution(county_admin):
    return Institution.objects.filter(county__code="210302").order_by("pk").first()


@pytest.fixture
def lishan_admin(make_staff, demo_data):
    return make_staff("lishan", COUNTY_ADMINS, "210304")


def test_create_is_logged_with_user_region_and_values(county_admin, tiedong_institution):
    client = logged_in(county_admin)
    data = form_data(tiedong_institution, name="铁东区新建康复站", contact_phone="0412-5551234")
    response = client.post(f"{URL}create/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Institution.objects.get(name="铁东区新建康复站")
    entry = RegionLogEntry.objects.get(action="wagtail.create", object_id=str(created.pk))
    assert entry.user == county_admin
    assert entry.timestamp is not None
    assert entry.region_name == "铁东区" and entry.region_path == created.county.path
    changes = {c["field"]: c for c in entry.changes}
    assert changes["name"]["new"] == "铁东区新建康复站" and changes["name"]["old"] == ""
    assert changes["name"]["label"] == "机构全称"


def test_edit_records_exactly_what_changed(county_admin, tiedong_institution):
    client = logged_in(county_admin)
    old_name = tiedong_institution.name
    data = form_data(tiedong_institution, name="铁东区精神康复中心（更名）", psychiatrists=7)
    response = client.post(f"{URL}edit/{tiedong_institution.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = RegionLogEntry.objects.get(action="wagtail.edit", object_id=str(tiedong_institution.pk))
    assert entry.user == county_admin
    changed = {c["field"]: (c["old"], c["new"]) for c in entry.changes}
    assert changed["name"] == (old_name, "铁东区精神康复中心（更名）")
    assert changed["psychiatrists"][1] == "7"
    assert "address" not in changed  # untouched fields are not listed


def test_delete_keeps_the_last_values(county_admin, tiedong_institution):
    client = logged_in(county_admin)
    pk, name = tiedong_institution.pk, tiedong_institution.name
    tiedong_institution.services.clear()
    response = client.post(f"{URL}delete/{pk}/")
    assert response.status_code == 302
    assert not Institution.objects.filter(pk=pk).exists()
    entry = RegionLogEntry.objects.get(action="wagtail.delete", object_id=str(pk))
    assert entry.user == county_admin and entry.region_name == "铁东区"
    assert {"field": "name", "label": "机构全称", "value": name} in entry.snapshot


def test_import_and_export_are_logged_in_the_region(county_admin):
    from portal.registry.models import ImportRecord

    tiedong = Region.objects.get(code="210302")
    record = ImportRecord.objects.create(kind="institutions", user=county_admin, region=tiedong, file_name="附件1.xlsx")
    log(record, "registry.import", user=county_admin, data={"summary": "新增 3，修改 1"})
    log(record, "registry.export", user=county_admin)
    entries = RegionLogEntry.objects.filter(object_id=str(record.pk)).order_by("pk")
    assert [e.action for e in entries] == ["registry.import", "registry.export"]
    assert all(e.region_path == tiedong.path and e.user == county_admin for e in entries)
    assert log_registry.get_action_label("registry.import") == "导入"
    assert log_registry.get_action_label("registry.export") == "导出"


def test_supervision_status_change_is_logged_without_contact_details(county_admin):
    from portal.supervision.models import SupervisionMessage
    from portal.supervision.services import record_status_change

    tiedong = Region.objects.get(code="210302")
    message = SupervisionMessage.objects.create(
        region=tiedong, concerns="某康复站", content="收费不透明", contact_name="王芳", contact_phone="13812345678",
    )
    old = message.status
    message.status = "handling"
    message.save()
    record_status_change(message, old, county_admin)
    entry = RegionLogEntry.objects.get(action="supervision.status", object_id=str(message.pk))
    assert entry.user == county_admin and entry.region_path == tiedong.path
    assert entry.data["from"] == "received" and entry.data["to"] == "handling"
    assert "13812345678" not in str(entry.data) + entry.label and "王芳" not in entry.label


def test_audit_report_is_region_scoped(county_admin, city_admin, lishan_admin, superuser, tiedong_institution):
    logged_in(county_admin).post(
        f"{URL}edit/{tiedong_institution.pk}/", form_data(tiedong_institution, name="审计可见性测试机构"),
    )
    for user, sees in ((county_admin, True), (city_admin, True), (superuser, True), (lishan_admin, False)):
        client = logged_in(user)
        report = client.get("/admin/reports/audit/")
        assert report.status_code == 200
        assert ("审计可见性测试机构" in report.content.decode()) is sees, user.username
        history = client.get("/admin/reports/site-history/")
        assert history.status_code == 200
        assert ("审计可见性测试机构" in history.content.decode()) is sees, user.username


def test_audit_report_shows_what_changed(county_admin, tiedong_institution):
    client = logged_in(county_admin)
    client.post(f"{URL}edit/{tiedong_institution.pk}/", form_data(tiedong_institution, opening_hours="周一至周五 8:30-17:00"))
    text = client.get("/admin/reports/audit/").content.decode()
    assert "登记审计日志" in text
    assert "周一至周五 8:30-17:00" in text and "铁东区" in text and county_admin.username in text
