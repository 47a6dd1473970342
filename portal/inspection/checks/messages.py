"""留言超期: supervision messages and 纠错 reports not answered by their due date,
and replies rated 不满意 whose 回访 (call-back) has not been recorded.

Uses the inbox's own rules (``SupervisionMessageQuerySet.overdue`` and
``awaiting_callback``), so the report and the inbox never disagree. Contact
details are never part of an item: the digest goes by e-mail.
"""

from django.urls import reverse
from django.utils import timezone

from ..indicators import Indicator, Item


def needing_attention(messages, today):
    """The messages an inspector would count against the site: past their due
    date and not answered, or rated 不满意 with no call-back recorded since."""
    return messages.overdue(today) | messages.awaiting_callback()


def problem(message, today):
    if message.due_date is not None and message.is_overdue_on(today):
        return (f"{message.get_message_type_display()}的答复期限 {message.due_date:%Y-%m-%d} 已过 "
                f"{(today - message.due_date).days} 天，仍为“{message.get_status_display()}”")
    return "留言人对答复“不满意”，尚未记录回访情况"


def find(scope):
    today = timezone.localdate()
    messages = needing_attention(scope.messages, today).select_related("region").order_by("due_date", "pk")
    return [
        Item(
            subject=f"{m.reference} {m.concerns}",
            problem=problem(m, today),
            fix_url=reverse("supervision_supervisionmessage_modeladmin_edit", args=[m.pk]),
            fix_label="办理留言",
            region=m.region.name,
        )
        for m in messages
    ]


INDICATOR = Indicator(
    code="messages",
    label="留言超期未答复",
    single_veto=True,
    basis="公众留言、网页纠错应在答复期限内答复（监督留言按“设置 → 监督渠道设置”，纠错 3 个工作日）；"
          "对答复不满意的留言应回访并记录。",
    find=find,
)
