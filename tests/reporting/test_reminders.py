"""催报: by hand from the board, and on schedule (cron → django-tasks): only those who still owe a report."""

import datetime
import io

import pytest
from django.core.management import call_command

from portal.audit.models import RegionLogEntry
from portal.reporting import service
from portal.reporting.models import Submission, SubmissionSource

from .conftest import DEADLINE, submission_of

pytestmark = pytest.mark.django_db

FIGURES = {"offers_service": True, "townships_total": None, "townships_with_service": None,
           "registered_clients": 280, "standard_service_clients": 200}


@pytest.fixture
def half_reported(city_round, staff, make_staff):
    """立山区 has reported; 铁东区 and 铁西区 (two admins) have not; 千山区 was sent back."""
    for name, code in (("tiexi-a", "210303"), ("tiexi-b", "210303"), ("qianshan", "210311")):
        user = make_staff(name, "县级管理员", code)
        user.email = f"{name}@example.com"
        user.save()
    make_staff("tiexi-nomail", "县级管理员", "210303")  # no address: nothing to send
    service.submit(submission_of(city_round, "210304"), None, SubmissionSource.REGISTRY, figures=FIGURES)
    qianshan = submission_of(city_round, "210311")
    service.submit(qianshan, None, SubmissionSource.REGISTRY, figures={**FIGURES, "registered_clients": 311})
    service.return_submission(qianshan, staff["anshan"], "请补充机构")
    return city_round


def addresses(outbox):
    return sorted(address for m in outbox for address in m.to)


def test_remind_from_the_board_mails_only_those_who_have_not_reported(as_user, half_reported, mailoutbox):
    mailoutbox.clear()
    response = as_user("anshan").post(f"/admin/reporting-cycle/rounds/{half_reported.pk}/remind/")
    assert response.status_code == 302
    assert addresses(mailoutbox) == ["qianshan@example.com", "tiedong@example.com", "tiexi-a@example.com", "tiexi-b@example.com"]
    assert "lishan@example.com" not in addresses(mailoutbox)
    tiexi = next(m for m in mailoutbox if "tiexi-a@example.com" in m.to)
    assert tiexi.subject.startswith("[精康融合行动] 催报") and "铁西区尚未报送" in tiexi.body
    assert "/admin/reporting-cycle/submissions/" in tiexi.body
    qianshan = next(m for m in mailoutbox if "qianshan@example.com" in m.to)
    assert "已被退回，尚未重新报送" in qianshan.body
    assert RegionLogEntry.objects.filter(action="reporting.remind").count() == half_reported.submissions.owing().count()
    page = as_user("anshan").get(response["Location"]).content.decode()
    assert "没有设置了邮箱的管理员" in page  # regions nobody can be mailed are named on the board


def test_scheduled_reminders_three_days_before_and_on_the_deadline(half_reported, mailoutbox):
    mailoutbox.clear()
    call_command("reporting_round", "remind-due", "--date", str(DEADLINE - datetime.timedelta(days=4)), stdout=io.StringIO())
    assert mailoutbox == []
    call_command("reporting_round", "remind-due", "--date", str(DEADLINE - datetime.timedelta(days=3)), stdout=io.StringIO())
    first = addresses(mailoutbox)
    assert "tiedong@example.com" in first and "lishan@example.com" not in first
    # cron ran twice that day: nobody is reminded twice.
    call_command("reporting_round", "remind-due", "--date", str(DEADLINE - datetime.timedelta(days=3)), stdout=io.StringIO())
    assert addresses(mailoutbox) == first
    mailoutbox.clear()
    call_command("reporting_round", "remind-due", "--date", str(DEADLINE), stdout=io.StringIO())
    assert "今天截止" in mailoutbox[0].subject and "lishan@example.com" not in addresses(mailoutbox)
    assert set(Submission.objects.filter(round=half_reported).owing().values_list("last_reminded_on", flat=True)) == {DEADLINE}


def test_nothing_to_remind_when_everyone_has_reported(staff, city_round, mailoutbox):
    for submission in city_round.submissions.select_related("region", "round"):
        service.submit(submission, None, SubmissionSource.REGISTRY, figures=FIGURES)
    mailoutbox.clear()
    out = io.StringIO()
    call_command("reporting_round", "remind", str(city_round.pk), stdout=out)
    assert mailoutbox == [] and "无需催报" in out.getvalue()
