"""What happens to a supervision message: it is received, routed and handled."""

from wagtail.log_actions import log

from . import ratelimit
from .forms import SupervisionMessageForm
from .models import MessageStatus, SupervisionSettings

STATUS_ACTION = "supervision.status"


class SubmissionRefused(Exception):
    """The form was valid but the client sent too many messages."""


def submit(request, data, regions=None, form_class=SupervisionMessageForm, **form_kwargs):
    """Validate and store one message from a public form (the supervision
    form, or another built on it such as the 纠错 form).

    Returns (form, message): message is None when the form has errors. A
    filled honeypot looks like success to the robot but stores nothing.
    """
    form = form_class(data, regions=regions, **form_kwargs)
    if not form.is_valid():
        return form, None
    if form.is_spam():
        return form, False
    limit = SupervisionSettings.load(request_or_site=request).messages_per_hour
    if not ratelimit.hit(request, limit):
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
