"""对外公开 / 取消公开 in bulk: which institutions the public directory shows.

The one place that flips ``Institution.is_published`` for many rows: only
rows in the user's regions (``visible_to``), only rows whose state changes,
each one logged for the audit trail (``registry.publish`` /
``registry.unpublish``), and the search index and page cache told once.
"""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import Institution
from .signals import bulk_written


def set_published(user, queryset, published):
    """Publish (or withdraw) the institutions of ``queryset`` that ``user`` may edit; returns how many changed."""
    rows = queryset.visible_to(user).exclude(is_published=published) if user is not None else queryset.exclude(
        is_published=published)
    with transaction.atomic():
        changed = list(rows.select_for_update().select_related("county"))
        if not changed:
            return 0
        # updated_at moves too: an import's undo sees the row as edited since.
        Institution.objects.filter(pk__in=[i.pk for i in changed]).update(is_published=published, updated_at=timezone.now())
        action = "registry.publish" if published else "registry.unpublish"
        for institution in changed:
            log(instance=institution, action=action, user=user,
                data={"changes": [{"field": "is_published", "label": "对外公开",
                                   "old": "否" if published else "是", "new": "是" if published else "否"}]})
        bulk_written.send(sender=Institution, keys=[(i.county_id, i.name) for i in changed])
    return len(changed)


def created_by(record):
    """The institutions an import created (as its journal names them), still there."""
    keys = [tuple(k) for k in (record.journal or {}).get("created", [])]
    if record.kind != "institutions" or not keys:
        return Institution.objects.none()
    counties = {c for c, _ in keys}
    names = {n for _, n in keys}
    return Institution.objects.filter(county_id__in=counties, name__in=names)


__all__ = ["created_by", "set_published"]
