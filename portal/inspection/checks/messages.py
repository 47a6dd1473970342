"""留言超期: supervision messages and 纠错 reports not answered by their due date.

Uses the inbox's own rule (``SupervisionMessageQuerySet.overdue``), so the
report and the inbox's "已超期" flag never disagree. Contact details are never
part of an item: the digest goes by e-mail.
"""

from django.urls import reverse
from django.utils import timezone

from ..indicators import Indicator, Item


def needing_attention(messages, today):
    """The messages an inspector would count against the site: past their due
    date and not answered. (Replies rated 不满意 that still lack a recorded
    call-back belong here too once messages carry ratings: OR their queryset in.)"""
    return messages.overdue(today)


def find(scope):
    today = timezone.localdate()
    messages = needing_attention(scope.messages, today).select_related("region").order_by("due_date", "pk")
    return [
        Item(
            subject=f"{m.reference} {m.concerns}",
            problem=(f"{m.get_message_type_display()}的答复期限 {m.due_date:%Y-%m-%d} 已过 "
                     f"{(today - m.due_date).days} 天，仍为“{m.get_status_display()}”"),
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
    basis="公众留言、网页纠错应在答复期限内答复（监督留言按“设置 → 监督渠道设置”，纠错 3 个工作日）。",
    find=find,
)
