"""The public supervision form: stored, routed, protected."""

import datetime

import pytest
from django.test import Client

from portal.supervision.models import MessageStatus, SupervisionMessage, SupervisionSettings
from portal.supervision.workdays import add_working_days

pytestmark = pytest.mark.django_db


def form_data(region, **extra):
    return {"region": region.pk, "concerns": "某康复驿站", "content": "周六上午无人值守。",
            "contact_name": "李女士", "contact_phone": "13800138000", "homepage": "", **extra}


def test_a_message_is_stored_routed_and_acknowledged(supervision_page, regions, client):
    tiedong = regions["210302"]
    response = client.post(supervision_page.url, form_data(tiedong))
    assert response.status_code == 302
    message = SupervisionMessage.objects.get()
    assert message.region == tiedong and message.status == MessageStatus.RECEIVED
    assert message.due_date == add_working_days(message.received_at.astimezone().date(), 15)
    thanks = client.get(response["Location"]).content.decode()
    assert message.reference in thanks


def test_due_date_follows_the_configured_working_days(supervision_page, regions, client):
    settings = SupervisionSettings.load()
    settings.reply_working_days = 5
    settings.save()
    client.post(supervision_page.url, form_data(regions["210302"]))
    message = SupervisionMessage.objects.get()
    assert message.due_date == add_working_days(message.received_at.astimezone().date(), 5)


def test_errors_are_in_chinese_and_nothing_typed_is_lost(supervision_page, regions, client):
    response = client.post(supervision_page.url, form_data(regions["210302"], concerns="", contact_phone="12"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写反映对象" in html and "联系电话格式不正确" in html
    assert "周六上午无人值守。" in html  # the text the writer typed is still there
    assert not SupervisionMessage.objects.exists()


def test_unknown_region_is_a_form_error_not_a_500(supervision_page, client):
    response = client.post(supervision_page.url, {"region": "999999999", "concerns": "x", "content": "y"})
    assert response.status_code == 400
    assert "请从列表中选择涉及的地区" in response.content.decode()


def test_honeypot_stores_nothing(supervision_page, regions, client):
    response = client.post(supervision_page.url, form_data(regions["210302"], homepage="http://spam.example"))
    assert response.status_code == 302
    assert not SupervisionMessage.objects.exists()


def test_floods_are_refused_per_client(supervision_page, regions, client):
    settings = SupervisionSettings.load()
    settings.messages_per_hour = 2
    settings.save()
    for _ in range(2):
        assert client.post(supervision_page.url, form_data(regions["210302"])).status_code == 302
    response = client.post(supervision_page.url, form_data(regions["210302"]))
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert SupervisionMessage.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(supervision_page.url, form_data(regions["210302"])).status_code == 302


def test_the_form_is_csrf_protected(supervision_page, regions):
    client = Client(enforce_csrf_checks=True)
    response = client.post(supervision_page.url, form_data(regions["210302"]))
    assert response.status_code == 403
    assert not SupervisionMessage.objects.exists()


def test_page_lists_hotlines_with_12345_fallback_and_published_answers(supervision_page, regions, client):
    from portal.supervision.models import Hotline

    Hotline.objects.create(region=regions["210300"], name="鞍山市民政局监督电话", number="0412-5550001")
    answered = SupervisionMessage.objects.create(
        region=regions["210302"], concerns="x", content="原始留言含个人信息", status=MessageStatus.ANSWERED,
        reply="已核实并整改。", publish_qa=True, public_question="驿站开放时间不一致怎么办？", contact_name="李女士",
    )
    html = client.get(supervision_page.url).content.decode()
    assert "0412-5550001" in html and "12345" in html
    assert answered.public_question in html and "已核实并整改。" in html
    assert "原始留言含个人信息" not in html and "李女士" not in html


def test_message_model_rules():
    from django.core.exceptions import ValidationError

    message = SupervisionMessage(status=MessageStatus.ANSWERED, publish_qa=True)
    with pytest.raises(ValidationError) as error:
        message.clean()
    assert "reply" in error.value.message_dict and "public_question" in error.value.message_dict


def test_overdue_rule(regions):
    message = SupervisionMessage(region=regions["210302"], due_date=datetime.date(2026, 1, 5))
    assert message.is_overdue_on(datetime.date(2026, 1, 6))
    assert not message.is_overdue_on(datetime.date(2026, 1, 5))
    message.status = MessageStatus.ANSWERED
    assert not message.is_overdue_on(datetime.date(2026, 2, 1))


def post_from(page, region, forwarded_for, proxy="10.0.0.1"):
    """A post arriving through our proxy, which appended the client's address to X-Forwarded-For."""
    client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post(page.url, form_data(region))


def test_behind_the_proxy_each_citizen_has_their_own_limit(supervision_page, regions, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limits = SupervisionSettings.load()
    limits.messages_per_hour = 2
    limits.save()
    tiedong = regions["210302"]
    for _ in range(2):
        assert post_from(supervision_page, tiedong, "198.51.100.1").status_code == 302
    assert post_from(supervision_page, tiedong, "198.51.100.1").status_code == 429
    # Another citizen behind the same proxy is not refused.
    assert post_from(supervision_page, tiedong, "198.51.100.2").status_code == 302
    assert SupervisionMessage.objects.count() == 3


def test_a_forged_forwarded_for_does_not_escape_the_limit(supervision_page, regions, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SUPERVISION_TRUST_X_FORWARDED_FOR = True  # the removed setting must have no effect
    limits = SupervisionSettings.load()
    limits.messages_per_hour = 2
    limits.save()
    tiedong = regions["210302"]
    # The client invents the left-most hop each time; our proxy appends the real address.
    responses = [post_from(supervision_page, tiedong, f"192.0.2.{n}, 198.51.100.1").status_code for n in range(3)]
    assert responses == [302, 302, 429]
    assert SupervisionMessage.objects.count() == 2
