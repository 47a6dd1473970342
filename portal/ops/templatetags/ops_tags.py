from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("ops/hotline.html")
def public_hotline():
    """The hotline box of the error pages (from settings: works without the database)."""
    return {"number": settings.PUBLIC_HOTLINE, "label": settings.PUBLIC_HOTLINE_LABEL}


@register.filter
def duration_zh(value):
    """A timedelta as Chinese words: 1 小时 30 分钟."""
    try:
        minutes = int(value.total_seconds() // 60)
    except AttributeError:
        return ""
    hours, minutes = divmod(minutes, 60)
    parts = ([f"{hours} 小时"] if hours else []) + ([f"{minutes} 分钟"] if minutes else [])
    return " ".join(parts) or "片刻"
