"""The institution directory's search: one function, the same on every backend."""

from portal.registry import access

from .backends import get_backend
from .models import EntryKind
from .query import SearchRequest

DIRECTORY_FACETS = ("region", "department", "category", "service")


def search_institutions(q="", region="", department="", category="", service="", sort="relevance",
                        near=None, page=1, page_size=20, user=None, public_only=None, backend=None, offset=None):
    """Search institutions with text, filters, facet counts, highlighting, sorting and pages.

    Arguments (all optional; unknown values simply match nothing, never an error):

    - ``q``: the text a person typed, e.g. "铁东 康复驿站" or "服药训练"; Chinese words
      are found inside names, addresses, services and introductions.
    - ``region``: a region code at any level ("210000" province, "210300" city,
      "210302" county): the institutions of that whole subtree.
    - ``department``: an ``OwnerDepartment`` value ("civil_affairs", "health",
      "disabled_federation"); ``category``: an ``InstitutionCategory`` value;
      ``service``: a ``ServiceItem`` name ("服药训练").
    - ``sort``: "relevance" (default; name order when there is no text), "name",
      or "distance" (needs ``near``; institutions without coordinates come last).
    - ``near``: ``(latitude, longitude)`` of the visitor.
    - ``page`` (from 1) and ``page_size`` (at most 100); or ``offset`` (from 0) instead of ``page``.
    - ``user``: None for the public site (published institutions only); a staff
      user for the admin: unpublished ones too, limited to the user's regions
      (``portal.registry.access``). ``public_only`` overrides the first part.
    - ``backend``: "database" or "elasticsearch" to force one (tests, benchmarks).

    Returns a ``search.query.SearchResult``: ``hits`` (``Hit``: ``object_id`` is the
    Institution pk; ``title_html``/``snippet_html`` are escaped HTML with <mark>
    around the words found; ``details`` has the department, category, services
    and address labels; ``distance_km`` when ``near`` is given), ``total``,
    ``num_pages``, and ``facets``: {"region"|"department"|"category"|"service":
    [FacetValue(value, label, count, selected)]}. Region counts are for the
    children of the chosen region; the other counts ignore their own filter, so
    they show what choosing another value would give. ``region_counts``: {code:
    count} for the regions at every level the hits lie in.
    """
    staff = user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False)
    request = SearchRequest(
        text=q or "", kinds=(EntryKind.INSTITUTION,), region=str(region or ""), department=str(department or ""),
        category=str(category or ""), service=str(service or ""),
        public_only=(not staff) if public_only is None else public_only,
        scope_paths=access.region_paths(user) if staff else None,
        sort=sort or "relevance", near=_coordinates(near), page=_int(page), page_size=_int(page_size, 20),
        facets=DIRECTORY_FACETS, start=None if offset is None else _int(offset, 0),
    )
    if request.sort == "relevance" and not request.terms:
        request.sort = "name"
    return get_backend(backend).search(request)


def _int(value, default=1):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _coordinates(near):
    if not near:
        return None
    try:
        lat, lon = float(near[0]), float(near[1])
    except (TypeError, ValueError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon)
