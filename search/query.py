"""What a search asks and what it answers, the same for every backend."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import segmenter

SORTS = ("relevance", "name", "distance", "date")
FACETS = ("region", "department", "category", "service", "section")
MAX_PAGE_SIZE = 100
MAX_PAGE = 500
MAX_OFFSET = 1_000_000


@dataclass
class SearchRequest:
    """A normalised search: built by the interfaces in directory.py and site.py."""

    text: str = ""
    kinds: tuple = ()  # EntryKind values; empty means all
    sections: tuple = ()  # "app_label.model" of page types / "registry.institution"
    region: str = ""  # a region code at any level of the tree
    department: str = ""
    category: str = ""
    service: str = ""
    date_from: date | None = None
    date_to: date | None = None
    public_only: bool = True
    scope_paths: list | None = None  # region path prefixes a staff user may see; None = all
    sort: str = "relevance"
    near: tuple | None = None  # (latitude, longitude)
    page: int = 1
    page_size: int = 20
    facets: tuple = ()
    start: int | None = None  # an explicit offset (the API's offset/limit) instead of the page's

    def __post_init__(self):
        if self.sort not in SORTS:
            self.sort = "relevance"
        if self.sort == "distance" and self.near is None:
            self.sort = "relevance"
        self.page = min(max(int(self.page or 1), 1), MAX_PAGE)
        self.page_size = min(max(int(self.page_size or 20), 1), MAX_PAGE_SIZE)
        if self.start is not None:
            self.start = min(max(int(self.start), 0), MAX_OFFSET)

    @property
    def terms(self):
        return segmenter.query_terms(self.text)

    @property
    def offset(self):
        if self.start is not None:
            return self.start
        return (self.page - 1) * self.page_size

    def filter_values(self):
        """The facet filters in force: facet → value."""
        return {
            name: value for name, value in (
                ("region", self.region), ("department", self.department),
                ("category", self.category), ("service", self.service),
            ) if value
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Hit:
    kind: str
    section: str
    section_label: str
    object_id: int
    title: str
    url: str
    title_html: str
    snippet_html: str
    score: float | None = None
    date: date | None = None
    region_name: str = ""
    distance_km: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    details: dict = field(default_factory=dict)


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list
    total: int
    facets: dict = field(default_factory=dict)  # facet name → [FacetValue]
    backend: str = ""
    # Hits per region code at every level present (under all filters), for counts beside a region list.
    region_counts: dict = field(default_factory=dict)

    @property
    def terms(self):
        return self.request.terms

    @property
    def page(self):
        return self.request.page

    @property
    def num_pages(self):
        return max(1, math.ceil(self.total / self.request.page_size))

    @property
    def has_next(self):
        return self.page < self.num_pages

    @property
    def has_previous(self):
        return self.page > 1

    def grouped(self):
        """Hits grouped by section, in order of first appearance: [(label, [hits])]."""
        groups = {}
        for hit in self.hits:
            groups.setdefault(hit.section_label, []).append(hit)
        return list(groups.items())


# --- highlighting -----------------------------------------------------------------

SNIPPET_CHARS = 120
_WHITESPACE = re.compile(r"\s+")


def _pattern(terms):
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def mark(text, terms):
    """``text`` escaped, with every occurrence of a term wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f"<mark>{escape(m.group())}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text, terms, length=SNIPPET_CHARS):
    """A window of ``text`` around the first term found, highlighted."""
    text = _WHITESPACE.sub(" ", text or "").strip()
    pattern = _pattern(terms)
    start = 0
    if pattern is not None:
        m = pattern.search(text)
        if m:
            start = max(0, m.start() - length // 4)
    piece = text[start:start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(prefix + mark(piece, terms) + suffix)


def hit_snippet(text, details, terms):
    """The snippet under a hit: from the item's readable summary when it has one
    (institutions: address, services, introduction), else from its text."""
    summary = (details or {}).get("summary")
    return snippet(summary if summary else text, terms)


def highlight_terms(request):
    return segmenter.highlight_terms(request.text)


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), for display and for the final order."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))
