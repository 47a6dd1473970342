"""The public price board of one institution, read in a fixed number of queries."""

from django.utils import timezone

from .models import PriceVersion


def price_board(institution, today=None):
    """The versions in force today, one per item, in the board's order."""
    return list(
        PriceVersion.objects.in_force(today).filter(item__institution=institution)
        .select_related("item").order_by("item__sort_order", "item__pk")
    )


def price_history(institution):
    """调价记录: every version, newest first, with the one it replaced."""
    return list(
        PriceVersion.objects.filter(item__institution=institution)
        .select_related("item", "previous__item").order_by("-effective_date", "-pk")
    )


def upcoming(institution, today=None):
    today = today or timezone.localdate()
    return list(PriceVersion.objects.filter(item__institution=institution, effective_date__gt=today).select_related("item"))
