"""Region scope: the one place that decides which records a user may see.

Every registry model names the path to its region in ``region_lookup``
("county", "meeting__region" …; Region itself uses "self"). A user's scope is
the union of the subtrees of the regions assigned to them; superusers are
unrestricted. Listings, forms, imports, exports and search all ask here.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .models import Region

_CACHE_ATTR = "_registry_region_paths"
SELF = "self"


def region_paths(user):
    """The path prefixes a user may see, or None when unrestricted."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        paths = sorted(
            Region.objects.filter(assignments__user=user).values_list("path", flat=True)
        )
        # Drop paths already covered by a shorter one so queries stay small.
        cached = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user):
    """Drop the cached scope (after assignments change)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_unrestricted(user):
    return region_paths(user) is None


def lookup_for(model):
    lookup = getattr(model, "region_lookup", None)
    if lookup is None:
        raise TypeError(f"{model.__name__} has no region_lookup: it cannot be region-scoped")
    return lookup


def region_q(user, lookup):
    """A Q object limiting the region at ``lookup`` to the user's scope."""
    paths = region_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    field = "path" if lookup == SELF else f"{lookup}__path"
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def scope_queryset(queryset, user):
    """Only the rows of ``queryset`` that lie in the user's regions."""
    paths = region_paths(user)
    if paths is None:
        return queryset
    return queryset.filter(region_q(user, lookup_for(queryset.model)))


def regions_for(user):
    """The Region rows the user may see or assign records to."""
    return scope_queryset(Region.objects.all(), user)


def region_of(obj):
    """Follow ``region_lookup`` from an instance to its Region (None if unset)."""
    lookup = lookup_for(type(obj))
    if lookup == SELF:
        return obj
    current = obj
    for part in lookup.split("__"):
        if current is None:
            return None
        try:
            current = getattr(current, part)
        except Exception:  # an unsaved relation raises RelatedObjectDoesNotExist
            return None
    return current


def can_access_region(user, region):
    paths = region_paths(user)
    if paths is None:
        return True
    if region is None:
        return False
    return any(region.path.startswith(p) for p in paths)


def can_access(user, obj):
    """May the user see this record? Records without a region yet are the user's to fill."""
    paths = region_paths(user)
    if paths is None:
        return True
    region = region_of(obj)
    if region is None:
        return obj.pk is None
    return can_access_region(user, region)
