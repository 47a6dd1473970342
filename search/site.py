"""Site search: live public pages of every type plus published institutions, grouped by section."""

from datetime import date

from .backends import get_backend
from .query import SearchRequest


def search_site(q="", sections=(), date_from=None, date_to=None, page=1, page_size=20, backend=None):
    """Search the public site.

    ``q`` the words typed; ``sections`` limits to some sections ("pages.policypage",
    "registry.institution" …, as in the "section" facet); ``date_from``/``date_to``
    (dates) limit pages by their date (institutions have none and drop out when
    a date is given). Returns a ``SearchResult`` whose ``grouped()`` gives the hits
    by section and whose ``facets["section"]`` counts hits per section.
    Unpublished institutions and pages that are not live or are restricted
    never appear.
    """
    request = SearchRequest(
        text=q or "", sections=tuple(s for s in sections if s), date_from=_date(date_from), date_to=_date(date_to),
        public_only=True, page=page, page_size=page_size, facets=("section",), sort="relevance",
    )
    if not request.terms:
        return None
    return get_backend(backend).search(request)


def _date(value):
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
