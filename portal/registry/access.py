"""Region scope: the one place that decides which records a user may see.

Every region-bearing model names the path to its region in ``region_lookup``
("county", "meeting__region" …; Region itself uses "self") and uses a manager
built on ``RegionScopedQuerySet``, so any query says ``.within(region)`` or
``.visible_to(user)`` instead of spelling out paths. A user's scope is the
union of the subtrees of the regions assigned to them; superusers are
unrestricted. Everything a staff user can reach asks here, by inheritance:
ModelAdmin listings, filters and their choices, object views and history
(``admin_base.PortalModelAdmin``), form choices (``forms``), page-tree actions
on pages that carry a region (``portal.pages.permissions``), imports,
exports, search and the audit log.

Models marked ``shared_with_descendants`` (a city's plan and its tasks, which
"各级" departments carry out below it) can also be *read*, never edited, by
users of the regions under them: ``for_reading=True`` and ``can_view``.
Models whose region is stored as a path rather than a relation (audit log
entries) name that field in ``region_path_field``.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .models import Region

OUT_OF_SCOPE = "没有找到该记录，或该记录不在您的管辖区划内。"

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


def ancestor_paths(paths):
    """"210000/210300/210302/" → {"210000/", "210000/210300/"}."""
    found = set()
    for path in paths:
        codes = [c for c in path.split("/") if c]
        found.update("".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes)))
    return found


def path_field(model):
    """The field holding the record's region path ("county__path", "path" …)."""
    explicit = getattr(model, "region_path_field", None)
    if explicit:
        return explicit
    lookup = lookup_for(model)
    return "path" if lookup == SELF else f"{lookup}__path"


def subtree_q(model, paths, with_ancestors=False):
    """A Q object for rows of ``model`` whose region lies under one of ``paths``."""
    if not paths:
        return Q(pk__in=[])
    field = path_field(model)
    q = reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))
    if with_ancestors:
        q |= Q(**{f"{field}__in": sorted(ancestor_paths(paths))})
    return q


def region_q(user, model, with_ancestors=False):
    """A Q object limiting rows of ``model`` to the user's scope."""
    paths = region_paths(user)
    if paths is None:
        return Q()
    return subtree_q(model, paths, with_ancestors=with_ancestors)


def is_region_bearing(model):
    return bool(getattr(model, "region_lookup", None) or getattr(model, "region_path_field", None))


def is_shared(model):
    return getattr(model, "shared_with_descendants", False)


def scope_queryset(queryset, user, for_reading=False):
    """Only the rows of ``queryset`` that lie in the user's regions.

    With ``for_reading``, rows of shared models in the regions above the
    user's are included too (to read, not to edit).
    """
    if region_paths(user) is None:
        return queryset
    model = queryset.model
    return queryset.filter(region_q(user, model, with_ancestors=for_reading and is_shared(model)))


def regions_for(user):
    """The Region rows the user may see or assign records to."""
    return Region.objects.visible_to(user)


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


def can_view(user, obj):
    """May the user read this record? ``can_access``, or a shared record above them."""
    if can_access(user, obj):
        return True
    if not is_shared(type(obj)):
        return False
    region = region_of(obj)
    return region is not None and region.path in ancestor_paths(region_paths(user) or [])


def can_access(user, obj):
    """May the user see this record? Records without a region yet are the user's to fill."""
    paths = region_paths(user)
    if paths is None:
        return True
    region = region_of(obj)
    if region is None:
        return obj.pk is None
    return can_access_region(user, region)
