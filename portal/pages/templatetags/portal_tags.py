from django import template

from ..cache import elder_mode
from ..models.base import format_pub_date, section_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    request = context.get("request")
    return section_pages(request) if request is not None else []


@register.simple_tag(takes_context=True)
def is_elder_mode(context):
    request = context.get("request")
    return request is not None and elder_mode(request)


@register.filter
def pubtime(value):
    """YYYY-MM-DD HH:MM, as government sites print publication times."""
    return format_pub_date(value)


@register.filter
def percent(value):
    return "—" if value is None else f"{value}%"
