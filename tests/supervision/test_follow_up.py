"""Follow-up (进度查询) with the reference and check code, and 好差评 on the reply."""

import re

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

from portal.supervision.models import (
    MessageRating, MessageStatus, Rating, SupervisionMessage, SupervisionSettings, normalise_check_code,
)
from portal.supervision.workdays import add_working_days

pytestmark = pytest.mark.django_db


def submit(client, page, region):
    response = client.post(page.url, {"region": region.pk, "concerns": "某康复驿站", "content": "周六上午无人值守。",
                                      "contact_name": "李女士", "contact_phone": "13800138000", "homepage": ""})
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    reference = re.search(r'class="reference">(JK[^<]+)<', html)[1]
    code = re.search(r'class="check-code">([^<]+)<', html)[1]
    return thanks, reference, code


def lookup_url(page):
    return page.url + "chaxun/"


def answer(message, reply="已核实，驿站周六上午恢复开放。"):
    message.status, message.reply = MessageStatus.ANSWERED, reply
    message.save()


def test_the_writer_gets_a_reference_and_a_check_code_shown_once(supervision_page, regions, client):
    thanks, reference, code = submit(client, supervision_page, regions["210302"])
    message = SupervisionMessage.objects.get()
    assert message.reference == reference
    assert re.fullmatch(r"[2-9A-HJ-KM-NP-Z]{4}-[2-9A-HJ-KM-NP-Z]{4}", code)
    # Only a hash is stored, and the code is never in a URL.
    assert code not in message.check_code_hash and message.check_code_matches(code)
    assert code not in thanks.request["PATH_INFO"] and "ref=" not in thanks.request["QUERY_STRING"]
    assert "no-store" in thanks["Cache-Control"]
    # A second visit (reload) no longer shows it.
    again = client.get(thanks.request["PATH_INFO"]).content.decode()
    assert code not in again and "只在提交后显示一次" in again


def test_lookup_shows_status_due_date_and_reply_and_nothing_else(supervision_page, regions, client):
    _, reference, code = submit(client, supervision_page, regions["210302"])
    message = SupervisionMessage.objects.get()
    other = SupervisionMessage.objects.create(region=regions["210302"], concerns="另一条留言", content="别人的留言内容")
    response = client.post(lookup_url(supervision_page), {"reference": reference.lower(), "check_code": code.replace("-", " ").lower()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "已受理" in html and f"{message.due_date.year}年{message.due_date.month}月{message.due_date.day}日" in html
    assert "尚未答复" in html
    for private in ("李女士", "13800138000", "周六上午无人值守", "某康复驿站", other.reference, "别人的留言内容"):
        assert private not in html
    assert "no-store" in response["Cache-Control"]

    answer(message)
    html = client.post(lookup_url(supervision_page), {"reference": reference, "check_code": code}).content.decode()
    assert "已答复" in html and "驿站周六上午恢复开放" in html
    assert "评价答复" in html and "不满意" in html


@pytest.mark.parametrize("reference, code", [
    ("JK20260101-ABCDEF", "ABCD-EFGH"),  # no such message
    (None, "ABCD-EFGH"),  # the right reference, a wrong code
    (None, ""),  # no code at all
    ("", ""),
    ("' OR 1=1 --", "x" * 19),
])
def test_wrong_pairs_are_refused_without_a_hint(supervision_page, regions, client, reference, code):
    _, real_reference, real_code = submit(client, supervision_page, regions["210302"])
    reference = real_reference if reference is None else reference
    response = client.post(lookup_url(supervision_page), {"reference": reference, "check_code": code})
    assert response.status_code in (400, 404)
    html = response.content.decode()
    assert "已受理" not in html and real_code not in html
    if reference and code:
        assert response.status_code == 404 and "留言编号或查询码不正确" in html


def test_lookups_are_rate_limited_per_client(supervision_page, regions, client):
    settings = SupervisionSettings.load()
    settings.lookups_per_hour = 3
    settings.save()
    _, reference, code = submit(client, supervision_page, regions["210302"])
    for _ in range(3):
        client.post(lookup_url(supervision_page), {"reference": reference, "check_code": "WRONG-CODE"})
    response = client.post(lookup_url(supervision_page), {"reference": reference, "check_code": code})
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode() and "已受理" not in response.content.decode()
    # Another client, and the message form, are not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").post(lookup_url(supervision_page), {"reference": reference, "check_code": code}).status_code == 200
    assert client.post(supervision_page.url, {"region": regions["210302"].pk, "concerns": "x", "content": "y"}).status_code == 302


def test_the_lookup_page_is_served_and_csrf_protected(supervision_page, regions):
    client = Client(enforce_csrf_checks=True)
    page = client.get(lookup_url(supervision_page))
    assert page.status_code == 200 and "留言进度查询" in page.content.decode()
    assert client.post(lookup_url(supervision_page), {"reference": "x", "check_code": "y"}).status_code == 403


def rate(client, page, reference, code, rating, comment=""):
    return client.post(lookup_url(page), {"action": "rate", "reference": reference, "check_code": code,
                                          "rating": rating, "comment": comment})


def test_a_satisfied_rating_is_recorded_once(supervision_page, regions, client):
    _, reference, code = submit(client, supervision_page, regions["210302"])
    message = SupervisionMessage.objects.get()
    answer(message)
    response = rate(client, supervision_page, reference, code, Rating.SATISFIED)
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.latest_rating().rating == Rating.SATISFIED
    assert log_registry.get_logs_for_instance(message).filter(action="supervision.rating").exists()
    # The same reply cannot be rated twice.
    again = rate(client, supervision_page, reference, code, Rating.DISSATISFIED, "改主意了")
    assert again.status_code == 400 and "已经评价过" in again.content.decode()
    assert MessageRating.objects.count() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED


def test_a_rating_needs_a_reply_and_the_right_code(supervision_page, regions, client):
    _, reference, code = submit(client, supervision_page, regions["210302"])
    assert rate(client, supervision_page, reference, code, Rating.SATISFIED).status_code == 400
    answer(SupervisionMessage.objects.get())
    assert rate(client, supervision_page, reference, "ZZZZ-ZZZZ", Rating.SATISFIED).status_code == 404
    assert not MessageRating.objects.exists()


def test_dissatisfied_needs_a_reason_and_reopens_with_a_new_due_date(supervision_page, regions, client):
    _, reference, code = submit(client, supervision_page, regions["210302"])
    message = SupervisionMessage.objects.get()
    answer(message)
    response = rate(client, supervision_page, reference, code, Rating.DISSATISFIED, "")
    assert response.status_code == 400 and "请写明不满意的原因" in response.content.decode()
    assert not MessageRating.objects.exists()

    response = rate(client, supervision_page, reference, code, Rating.DISSATISFIED, "周六仍然无人。")
    assert response.status_code == 200 and "留言已重新办理" in response.content.decode()
    message.refresh_from_db()
    today = timezone.localdate()
    assert message.status == MessageStatus.REOPENED and message.reopened_at is not None
    assert message.due_date == add_working_days(today, 15)
    assert message.replied_at is None and message.needs_callback()
    assert message.is_overdue_on(message.due_date + timezone.timedelta(days=1))
    html = client.post(lookup_url(supervision_page), {"reference": reference, "check_code": code}).content.decode()
    assert "重新办理" in html and "评价答复" not in html  # nothing to rate until answered again


def test_check_codes_are_normalised():
    assert normalise_check_code(" k7px 3mqd ") == "K7PX-3MQD"
    assert normalise_check_code("k7px-3mqd") == "K7PX-3MQD"
    assert normalise_check_code("") == ""
