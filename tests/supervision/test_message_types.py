"""Message types: a 网页纠错 report is due in three working days, a supervision
message in the configured number; both reach the same inbox."""

import datetime

import pytest
from django.utils import timezone

from portal.supervision.models import MessageType, SupervisionMessage, SupervisionSettings
from portal.supervision.workdays import add_working_days

pytestmark = pytest.mark.django_db


def received_on(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


@pytest.mark.parametrize("received, due", [
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 26)),  # Monday → Thursday
    (datetime.date(2026, 11, 26), datetime.date(2026, 12, 1)),  # Thursday → Tuesday, over the weekend
])
def test_an_error_report_is_due_in_three_working_days(regions, received, due):
    message = SupervisionMessage.objects.create(
        region=regions["210300"], concerns="网页纠错：政策文件", content="错字", received_at=received_on(received),
        message_type=MessageType.ERROR_REPORT,
    )
    assert message.due_date == due == add_working_days(received, 3)


def test_a_supervision_message_keeps_the_configured_due_date(regions):
    settings = SupervisionSettings.load()
    settings.reply_working_days = 10
    settings.save()
    received = datetime.date(2026, 11, 23)
    message = SupervisionMessage.objects.create(
        region=regions["210300"], concerns="某站", content="内容", received_at=received_on(received),
    )
    assert message.message_type == MessageType.SUPERVISION
    assert message.due_date == add_working_days(received, 10)


def test_the_inbox_shows_and_filters_the_type(client, regions, make_staff):
    from portal.registry.groups import COUNTY_ADMINS

    SupervisionMessage.objects.create(region=regions["210302"], concerns="网页纠错：首页", content="错字",
                                      message_type=MessageType.ERROR_REPORT)
    SupervisionMessage.objects.create(region=regions["210302"], concerns="某康复驿站", content="内容")
    client.force_login(make_staff("tiedong", COUNTY_ADMINS, "210302"))
    response = client.get("/admin/supervision/supervisionmessage/", {"message_type__exact": "error_report"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "网页纠错：首页" in html and "某康复驿站" not in html
    assert "网页纠错" in html and "留言类型" in html
