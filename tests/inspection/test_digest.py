"""The weekly digest: a mail to each staff member with open items, and none otherwise."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.inspection.digest import send_digest
from portal.inspection.jobs import send_digest_task
from portal.pages.models import PolicyPage
from portal.supervision.models import SupervisionMessage

from .conftest import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(people):
    for name, user in people.items():
        user.email = f"{name}@example.gov.cn"
        user.save()
    return people


@pytest.fixture
def nothing_open(site):
    home, sections = site
    # Every column has fresh, complete content: the site itself is clean.
    add(sections["policies"], PolicyPage(title="文件", slug="f", issuer="民政局", document_number="鞍民发〔2026〕1号",
                                         written_date=datetime.date(2026, 1, 5), published_date=datetime.date(2026, 1, 6)))
    from portal.pages.models import CasePage, OutreachPage
    from portal.registry.models import Region

    add(sections["outreach"], OutreachPage(title="文章", slug="a", date=timezone.localdate()))
    add(sections["cases"], CasePage(title="案例", slug="c", region=Region.objects.get(code="210302"), theme="就业",
                                    summary="摘要", consent_confirmed=True, anonymised_confirmed=True))
    return site


def test_nothing_is_sent_when_there_is_nothing_to_report(addressed, nothing_open):
    assert send_digest() == 0
    assert mail.outbox == []


def test_each_person_gets_their_own_items_only(addressed, nothing_open, regions):
    message = SupervisionMessage.objects.create(
        region=regions["210302"], concerns="某康复驿站", content="周六无人。", contact_phone="13800138000",
        received_at=timezone.now() - datetime.timedelta(days=40),
    )
    assert send_digest() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    # 铁东's county admin and 鞍山's city admin; not 立山, not the editor, not the superuser (no group).
    assert set(by_recipient) == {"tiedong@example.gov.cn", "anshan@example.gov.cn"}
    sent = by_recipient["tiedong@example.gov.cn"]
    assert sent.subject == "【网站自查】本周有 1 项待处理（含单项否决项）"
    assert message.reference in sent.body and "留言超期未答复" in sent.body
    assert f"http://testserver/admin/supervision/supervisionmessage/edit/{message.pk}/" in sent.body
    assert "13800138000" not in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html" and message.reference in html


def test_people_without_an_address_get_nothing(people, nothing_open, regions):
    SupervisionMessage.objects.create(region=regions["210302"], concerns="某站", content="内容",
                                      received_at=timezone.now() - datetime.timedelta(days=40))
    assert send_digest() == 0 and mail.outbox == []


def test_the_task_and_the_command_send_the_same_digest(addressed, nothing_open, regions):
    SupervisionMessage.objects.create(region=regions["210302"], concerns="某站", content="内容",
                                      received_at=timezone.now() - datetime.timedelta(days=40))
    assert send_digest_task.enqueue().return_value == 2
    out = StringIO()
    call_command("send_inspection_digest", stdout=out)
    assert "网站自查周报已交给后台任务发送" in out.getvalue()
    out = StringIO()
    call_command("send_inspection_digest", "--now", stdout=out)
    assert out.getvalue().strip() == "已发送 2 封网站自查周报。"
    assert len(mail.outbox) == 6


def test_the_command_sends_nothing_on_a_clean_site(addressed, nothing_open):
    out = StringIO()
    call_command("send_inspection_digest", "--now", stdout=out)
    assert out.getvalue().strip() == "已发送 0 封网站自查周报。"
    assert mail.outbox == []
