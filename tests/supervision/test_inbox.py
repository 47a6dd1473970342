"""The back-office inbox: region routing, contact privacy, statuses and the audit log."""

import datetime

import pytest
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

from portal.registry.groups import COUNTY_ADMINS
from portal.supervision.models import MessageStatus, SupervisionMessage
from portal.registry.groups import ensure_groups

pytestmark = pytest.mark.django_db
INBOX = "/admin/supervision/supervisionmessage/"


@pytest.fixture
def staff(regions, make_staff):
    ensure_groups()
    return {
        "tiedong": make_staff("tiedong", COUNTY_ADMINS, "210302"),
        "lishan": make_staff("lishan", COUNTY_ADMINS, "210304"),
    }


@pytest.fixture
def message(regions):
    return SupervisionMessage.objects.create(
        region=regions["210302"], concerns="某康复驿站", content="周六无人值守。",
        contact_name="李女士", contact_phone="13800138000",
    )


def test_staff_see_only_the_messages_of_their_region(client, staff, message, regions):
    other = SupervisionMessage.objects.create(region=regions["210304"], concerns="立山区某站", content="内容")
    client.force_login(staff["tiedong"])
    html = client.get(INBOX).content.decode()
    assert message.reference in html and other.reference not in html
    assert client.get(f"{INBOX}edit/{other.pk}/").status_code == 404
    assert client.get(f"{INBOX}inspect/{other.pk}/").status_code == 404


def test_contact_details_are_visible_only_to_the_region_handling_it(client, staff, message):
    client.force_login(staff["tiedong"])
    assert "13800138000" in client.get(f"{INBOX}edit/{message.pk}/").content.decode()
    client.force_login(staff["lishan"])
    response = client.get(f"{INBOX}edit/{message.pk}/")
    assert response.status_code == 404 and "13800138000" not in response.content.decode()
    assert "13800138000" not in client.get(INBOX).content.decode()


def test_status_changes_are_logged(client, staff, message):
    client.force_login(staff["tiedong"])
    response = client.post(f"{INBOX}edit/{message.pk}/", {
        "status": MessageStatus.ANSWERED, "due_date": message.due_date.isoformat(), "reply": "已核实整改。",
        "public_question": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.replied_at is not None
    assert message.contact_phone == "13800138000"  # read-only fields are kept
    # Whichever log model the audit trail registers for the message, the entry is there.
    entry = log_registry.get_logs_for_instance(message).get(action="supervision.status")
    assert entry.user == staff["tiedong"] and entry.object_id == str(message.pk)
    assert entry.data["from"] == "received" and entry.data["to"] == "answered"


def test_answering_without_a_reply_is_refused(client, staff, message):
    client.force_login(staff["tiedong"])
    response = client.post(f"{INBOX}edit/{message.pk}/", {
        "status": MessageStatus.ANSWERED, "due_date": message.due_date.isoformat(), "reply": "", "public_question": "",
    })
    assert response.status_code == 200
    assert "请填写答复内容" in response.content.decode()
    assert not log_registry.get_logs_for_instance(message).filter(action="supervision.status").exists()


def test_overdue_messages_are_highlighted(client, staff, message):
    message.due_date = timezone.localdate() - datetime.timedelta(days=1)
    message.save()
    client.force_login(staff["tiedong"])
    html = client.get(INBOX).content.decode()
    assert "jk-overdue" in html and "已超期" in html


def test_staff_cannot_create_messages(client, staff):
    client.force_login(staff["tiedong"])
    assert client.get(f"{INBOX}create/").status_code in (302, 403)
