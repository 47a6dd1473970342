"""E-mail to the offices on either side of a submission, through Django's mail settings.

Messages are handed to a django-tasks task, so a slow or failing mail server
never holds up (or undoes) a submission or a review; with the database
backend the task is stored in the same transaction as the change it reports.
Recipients are the active staff assigned to exactly that region (用户管辖区划)
who have an e-mail address: a county's own admins, or the city's.
"""

import contextlib
import contextvars
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from portal.registry.models import RegionAssignment

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[精康融合行动] "

# Set while the demo loader replays a cycle: nobody is told about it.
_muted = contextvars.ContextVar("reporting_notices_muted", default=False)


@contextlib.contextmanager
def muted():
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def recipients(region):
    """The addresses of the staff responsible for ``region`` itself."""
    return sorted(set(
        RegionAssignment.objects.filter(region=region, user__is_active=True, user__is_staff=True)
        .exclude(user__email="").values_list("user__email", flat=True)
    ))


def admin_link(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def message(region, subject, lines, submission=None):
    """One message to the staff of ``region`` (linking to ``submission``), or None
    when nobody there has an address."""
    if _muted.get():
        return None
    to = recipients(region)
    if not to:
        return None
    link = admin_link("reporting:submission", submission.pk) if submission is not None else ""
    body = "\n".join([*lines, "", f"请登录后台处理：{link}" if link else "", "", "（本邮件由精康融合行动服务平台自动发送，请勿直接回复。）"])
    return {"to": to, "subject": SUBJECT_PREFIX + subject, "body": body}


def send(messages):
    """Queue the messages that have recipients; returns how many were queued."""
    if _muted.get():
        return 0
    messages = [m for m in messages if m]
    if messages:
        deliver.enqueue(messages)
    return len(messages)


@task()
def deliver(messages):
    connection = get_connection()
    emails = [EmailMessage(m["subject"], m["body"], to=m["to"], connection=connection) for m in messages]
    sent = connection.send_messages(emails)
    logger.info("reporting: %s of %s notices sent", sent, len(emails))
    return sent
