"""What happens to a supervision message: it is received, routed, handled,
followed up by its writer with a check code, and rated (好差评)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from wagtail.log_actions import log

from portal.ops import ratelimit

from .forms import FollowUpForm, RatingForm, SupervisionMessageForm
from .models import MessageStatus, SupervisionMessage, SupervisionSettings

STATUS_ACTION = "supervision.status"
RATING_ACTION = "supervision.rating"
LOOKUP_BUCKET = "supervision-lookup"


class SubmissionRefused(Exception):
    """The form was valid but the client sent too many messages or lookups."""


@dataclass(frozen=True)
class Receipt:
    """What the writer is shown once after submitting: the reference and the check code."""

    reference: str
    check_code: str


def submit(request, data, regions=None, form_class=SupervisionMessageForm, **form_kwargs):
    """Validate and store one message from a public form (the supervision
    form, or another built on it such as the 纠错 form).

    Returns (form, receipt): receipt is None when the form has errors. A
    filled honeypot looks like success to the robot but stores nothing
    (receipt False).
    """
    form = form_class(data, regions=regions, **form_kwargs)
    if not form.is_valid():
        return form, None
    if form.is_spam():
        return form, False
    limit = SupervisionSettings.load(request_or_site=request).messages_per_hour
    if not ratelimit.allow(request, "supervision", limit):
        raise SubmissionRefused("您提交的留言过于频繁，请一小时后再试，或拨打监督电话反映。")
    message = form.save(commit=False)
    code = message.issue_check_code()
    message.save()
    return form, Receipt(message.reference, code)


def _count_lookup(request):
    limit = SupervisionSettings.load(request_or_site=request).lookups_per_hour
    if not ratelimit.allow(request, LOOKUP_BUCKET, limit):
        raise SubmissionRefused("查询过于频繁，请一小时后再试。如需帮助，请拨打监督电话。")


def follow_up(request, data):
    """The writer looks up their message with its reference and check code.

    Returns (form, message): message is None when the form has errors or the
    pair does not match. Every attempt counts against the per-client limit.
    """
    form = FollowUpForm(data)
    if not form.is_valid():
        return form, None
    _count_lookup(request)
    message = SupervisionMessage.objects.find_for_follow_up(form.cleaned_data["reference"], form.cleaned_data["check_code"])
    if message is None:
        form.add_error(None, FollowUpForm.NOT_FOUND)
    return form, message


def rate(request, data):
    """The writer rates the reply (好差评), proving again that the message is theirs.

    Returns (follow_up_form, message, rating_form, rating): rating is None
    when nothing was recorded (the forms then carry the reasons).
    """
    follow_up_form, message = follow_up(request, data)
    rating_form = RatingForm(data)
    if message is None or not rating_form.is_valid():
        return follow_up_form, message, rating_form, None
    old_status = message.status
    try:
        rating = message.rate(rating_form.cleaned_data["rating"], rating_form.cleaned_data["comment"])
    except ValidationError as refused:
        rating_form.add_error(None, refused)
        return follow_up_form, message, rating_form, None
    log(instance=message, action=RATING_ACTION, user=None,
        data={"rating": rating.rating, "rating_label": rating.get_rating_display()})
    record_status_change(message, old_status, None)
    return follow_up_form, message, rating_form, rating


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
