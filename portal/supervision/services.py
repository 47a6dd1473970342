"""What happens to a supervision message: it is received, routed and handled."""

from wagtail.log_actions import log

from portal.ops import ratelimit

from .forms import SupervisionMessageForm
from .models import MessageStatus, SupervisionSettings

STATUS_ACTION = "supervision.status"


class SubmissionRefused(Exception):
    """The form was valid but the client sent too many messages."""


def submit(request, data, regions=None):
    """Validate and store one message from the public form.

    Returns (form, message): message is None when the form has errors. A
    filled honeypot looks like success to the robot but stores nothing.
    """
    form = SupervisionMessageForm(data, regions=regions)
    if not form.is_valid():
        return form, None
    if form.is_spam():
        return form, False
    limit = SupervisionSettings.load(request_or_site=request).messages_per_hour
    if not ratelimit.allow(request, "supervision", limit):
        raise SubmissionRefused("您提交的留言过于频繁，请一小时后再试，或拨打监督电话反映。")
    return form, form.save()


def record_status_change(message, old_status, user):
    """Write the status change into Wagtail's audit log (操作日志)."""
    if old_status == message.status:
        return
    labels = dict(MessageStatus.choices)
    log(
        instance=message, action=STATUS_ACTION, user=user,
        data={"from": old_status, "to": message.status,
              "from_label": labels.get(old_status, old_status), "to_label": labels[message.status]},
    )
