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


def reopened(message):
    message.status, message.reply = MessageStatus.ANSWERED, "已核实整改。"
    message.save()
    message.rate("dissatisfied", "周六仍然无人。")
    message.refresh_from_db()
    return message


def edit_data(message, **extra):
    return {"status": message.status, "due_date": message.due_date.isoformat(), "reply": message.reply,
            "public_question": "", "callback_on": "", "callback_method": "phone", "callback_result": "", **extra}


def test_a_reopened_message_cannot_be_closed_before_a_callback(client, staff, message):
    message = reopened(message)
    client.force_login(staff["tiedong"])
    response = client.post(f"{INBOX}edit/{message.pk}/", edit_data(message, status=MessageStatus.ANSWERED,
                                                                     reply="已再次核实。"))
    assert response.status_code == 200
    assert "须先记录回访" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.REOPENED and not message.callbacks.exists()


def test_recording_a_callback_then_answering_closes_it_and_it_can_be_rated_again(client, staff, message):
    message = reopened(message)
    client.force_login(staff["tiedong"])
    response = client.post(f"{INBOX}edit/{message.pk}/", edit_data(
        message, status=MessageStatus.ANSWERED, reply="已再次核实，周六安排专人值守。",
        callback_on="2026-11-25", callback_method="phone", callback_result="电话联系李女士，说明整改安排，她表示认可。",
    ))
    assert response.status_code == 302, response.content.decode()[:3000]
    message.refresh_from_db()
    callback = message.callbacks.get()
    assert callback.recorded_by == staff["tiedong"] and callback.method == "phone"
    assert message.status == MessageStatus.ANSWERED and message.replied_at is not None
    assert message.can_be_rated()
    # The inbox's edit page lists the rating and the 回访.
    html = client.get(f"{INBOX}edit/{message.pk}/").content.decode()
    assert "周六仍然无人。" in html and "说明整改安排" in html


def test_a_callback_date_without_a_note_is_refused(client, staff, message):
    message = reopened(message)
    client.force_login(staff["tiedong"])
    response = client.post(f"{INBOX}edit/{message.pk}/", edit_data(message, callback_on="2026-11-25"))
    assert response.status_code == 200 and "请填写回访情况" in response.content.decode()
    assert not message.callbacks.exists()


def test_the_inbox_shows_ratings_and_filters_by_rating_and_overdue(client, staff, message, regions):
    message = reopened(message)
    happy = SupervisionMessage.objects.create(region=regions["210302"], concerns="另一站", content="内容",
                                              status=MessageStatus.ANSWERED, reply="已答复。")
    happy.rate("satisfied")
    late = SupervisionMessage.objects.create(region=regions["210302"], concerns="逾期站", content="内容",
                                             due_date=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(staff["tiedong"])
    html = client.get(INBOX).content.decode()
    assert "不满意" in html and "满意" in html and "重新办理" in html
    references = lambda response: {m.reference for m in response.context["object_list"]}  # noqa: E731
    assert references(client.get(INBOX, {"rating": "dissatisfied"})) == {message.reference}
    assert references(client.get(INBOX, {"rating": "satisfied"})) == {happy.reference}
    assert references(client.get(INBOX, {"rating": "none"})) == {late.reference}
    assert references(client.get(INBOX, {"overdue": "1"})) == {late.reference}
    assert late.reference not in references(client.get(INBOX, {"overdue": "0"}))


def test_a_reopened_public_answer_leaves_the_public_page_until_answered_again(client, staff, message, supervision_page):
    message.publish_qa, message.public_question = True, "驿站周六为何无人？"
    message = reopened(message)
    assert message.publish_qa and not SupervisionMessage.objects.published_qa().exists()
    client.force_login(staff["tiedong"])
    # Staff can work on it (办理中) without unticking 公开为问答.
    response = client.post(f"{INBOX}edit/{message.pk}/", edit_data(
        message, status=MessageStatus.HANDLING, publish_qa="on", public_question=message.public_question))
    assert response.status_code == 302, response.context["form"].errors
    assert "驿站周六为何无人？" not in client.get(supervision_page.url).content.decode()
