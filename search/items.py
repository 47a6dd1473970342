"""What is indexed: backend-neutral search items built from portal objects.

Three kinds of item (``search.models.EntryKind``):

* every ``registry.Institution`` (published or not: staff search the
  unpublished ones in the admin; ``is_public`` keeps them off the public site);
* the price board (价格公示) of every institution that has price items, so
  "明码标价" or "收费" finds the boards themselves;
* every live Wagtail page without view restrictions, whatever its type: the
  text is read through the page type's own ``search_fields`` (StreamField
  blocks included, via Wagtail's ``get_searchable_content``), so a new page
  type is searchable as soon as it declares them.

Each item carries its public section (栏目): the top-level page of the site it
lives under (价格公示, 政策文件, 优秀案例 …), so the site search filters by the
names visitors see in the menu, not by page types.

Where items are stored is ``search.stores``' business; nothing here knows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.search import index as wagtail_index

from portal.registry.models import Institution, Region

from . import segmenter
from .models import EntryKind, SearchEntry

logger = logging.getLogger(__name__)

INSTITUTION_SECTION = "registry.institution"
INSTITUTION_SECTION_LABEL = "机构查询"
PRICE_SECTION = "prices.board"
PRICE_SECTION_LABEL = "价格公示"
HOME_SECTION_LABEL = "网站首页"
MAX_TEXT_CHARS = 200_000
# Words a visitor uses for price disclosure: carried by every price board item.
SHARED_SECTIONS = {"DirectoryPage": INSTITUTION_SECTION, "PriceIndexPage": PRICE_SECTION}
PRICE_KEYWORDS = "价格公示 明码标价 收费标准 收费项目"


@dataclass
class SearchItem:
    """One searchable object, independent of the store that keeps it."""

    kind: str
    content_type_id: int
    object_id: int
    section: str
    section_label: str
    title: str
    text: str
    url: str = ""
    region_path: str = ""
    region_name: str = ""
    is_public: bool = False
    date: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    facets: dict = field(default_factory=dict)  # facet → list of values
    details: dict = field(default_factory=dict)

    @property
    def key(self):
        """Unique across kinds: the id a store keys the item by."""
        prefix = self.section if self.kind == EntryKind.INSTITUTION else self.kind
        return f"{prefix}:{self.object_id}"

    def entry_fields(self):
        return {
            "kind": self.kind, "section": self.section[:100], "section_label": self.section_label[:100],
            "title": self.title[:255], "url": self.url[:500],
            "region_path": self.region_path, "region_name": self.region_name[:100], "is_public": self.is_public,
            "date": self.date, "latitude": self.latitude, "longitude": self.longitude,
            "department": (self.facets.get("department") or [""])[0],
            "category": (self.facets.get("category") or [""])[0],
            "services": SearchEntry.SERVICE_SEPARATOR.join(self.facets.get("service", [])),
            "details": self.details,
        }

    def text_fields(self):
        body = self.text[:MAX_TEXT_CHARS]
        return {
            "text": body,
            "title_words": " ".join(segmenter.index_words(self.title)),
            "body_words": " ".join(segmenter.index_words(body)),
            "grams": " ".join(segmenter.grams(f"{self.title}\n{body}")),
        }


# --- institutions -----------------------------------------------------------------

def _region_chain(region):
    """Ancestors of a county, root first, from one cached lookup."""
    codes = [c for c in region.path.split("/") if c]
    cache = _region_chain.cache
    missing = [c for c in codes if c not in cache]
    if missing:
        cache.update({r.code: r for r in Region.objects.filter(code__in=missing)})
    return [cache[c] for c in codes if c in cache]


_region_chain.cache = {}


def clear_caches():
    """Region names may have changed since the last batch."""
    _region_chain.cache.clear()


def _live_pages(model_name):
    try:
        model = apps.get_model("pages", model_name)
    except LookupError:
        return []
    if model._meta.db_table not in connection.introspection.table_names():
        return []
    return list(model.objects.live().public().select_related("region").order_by("path"))


def directory_pages():
    """Live public directory pages (the site's 机构查询), or [] while the site has none."""
    return _live_pages("DirectoryPage")


def price_pages():
    """Live public price index pages (the site's 价格公示)."""
    return _live_pages("PriceIndexPage")


def _subpage_url(institution, pages, route):
    """The institution's page under the first of ``pages`` whose region holds it."""
    for page in pages:
        region = getattr(page, "region", None)
        if region is not None and not institution.county.path.startswith(region.path):
            continue
        base = page.url or ""
        if not base:
            continue
        try:
            return base.rstrip("/") + "/" + page.reverse_subpage(route, kwargs={"pk": institution.pk}).lstrip("/")
        except Exception:  # a page without that route
            return base
    return ""


def _institution_section_label(pages):
    return pages[0].title if pages else INSTITUTION_SECTION_LABEL


def institution_item(institution, content_type_id=None, pages=None):
    pages = directory_pages() if pages is None else pages
    chain = _region_chain(institution.county)
    services = [s.name for s in institution.services.all()]
    labels = {
        "department": institution.get_owner_department_display(),
        "category": institution.get_category_display(),
    }
    region_names = "".join(r.name for r in chain)
    # What a person reads under the name in a result: no region chain, no codes.
    summary = "；".join(p for p in [
        f"地址：{institution.address}" if institution.address else "",
        "服务项目：" + "、".join(services) if services else "",
        institution.introduction,
    ] if p)
    parts = [
        region_names, institution.address, labels["department"], labels["category"],
        institution.get_facility_type_display() if institution.facility_type else "",
        institution.get_operation_mode_display() if institution.operation_mode else "",
        "服务项目：" + "、".join(services) if services else "",
        f"绿色通道协议医院：{institution.green_channel_hospital}" if institution.green_channel_hospital else "",
        institution.opening_hours, institution.introduction,
        # Public numbers only: the reporting contact (staff_only_fields) never enters the index.
        institution.public_phone, institution.supervision_phone,
    ]
    return SearchItem(
        kind=EntryKind.INSTITUTION,
        content_type_id=content_type_id or ContentType.objects.get_for_model(Institution).pk,
        object_id=institution.pk,
        section=INSTITUTION_SECTION,
        section_label=_institution_section_label(pages),
        title=institution.name,
        text="\n".join(p for p in parts if p),
        url=_subpage_url(institution, pages, "detail") if institution.is_published else "",
        region_path=institution.county.path,
        region_name=region_names,
        is_public=institution.is_published,
        latitude=float(institution.latitude) if institution.latitude is not None else None,
        longitude=float(institution.longitude) if institution.longitude is not None else None,
        facets={
            "region": [r.code for r in chain],
            "department": [institution.owner_department],
            "category": [institution.category],
            "service": services,
        },
        details={**labels, "address": institution.address, "services": services, "summary": summary,
                 "county": institution.county.name, "facility_type": institution.get_facility_type_display()},
    )


def price_board_item(institution, content_type_id, pages):
    """The institution's 价格公示 board, or None when it has no price items or is not public."""
    names = [item.name for item in institution.price_items.all()]
    if not names or not institution.is_published:
        return None
    url = _subpage_url(institution, pages, "board")
    if not url:
        return None
    chain = _region_chain(institution.county)
    return SearchItem(
        kind=EntryKind.PRICE_BOARD,
        content_type_id=content_type_id,
        object_id=institution.pk,
        section=PRICE_SECTION,
        section_label=pages[0].title if pages else PRICE_SECTION_LABEL,
        title=f"{institution.name}价格公示",
        text=f"{PRICE_KEYWORDS}\n收费项目：" + "、".join(names),
        url=url,
        region_path=institution.county.path,
        region_name="".join(r.name for r in chain),
        is_public=True,
        facets={"region": [r.code for r in chain]},
        details={"county": institution.county.name, "category": institution.get_category_display(),
                 "summary": "收费项目：" + "、".join(names)},
    )


def price_board_content_type_id():
    return ContentType.objects.get(app_label="prices", model="priceitem").pk


def institution_items(institutions, directory=None, prices=None):
    """Items for a batch of institutions (prefetched): each one, and its price board when it has one."""
    ct = ContentType.objects.get_for_model(Institution).pk
    board_ct = price_board_content_type_id()
    directory = directory_pages() if directory is None else directory
    prices = price_pages() if prices is None else prices
    out = []
    for institution in institutions:
        out.append(institution_item(institution, ct, directory))
        board = price_board_item(institution, board_ct, prices)
        if board is not None:
            out.append(board)
    return out


def institutions_for_index():
    return (Institution.objects.select_related("county")
            .prefetch_related("services", "price_items").order_by("pk"))


# --- pages ------------------------------------------------------------------------

DATE_ATTRIBUTES = ("published_date", "date", "written_date")


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(_plain(v) for v in value.values())
    return strip_tags(str(value))


def _search_field_values(obj, fields):
    """(field_name, text) for every SearchField, following RelatedFields (Wagtail's own rules)."""
    for search_field in fields:
        if isinstance(search_field, wagtail_index.SearchField):
            try:
                yield search_field.field_name, _plain(search_field.get_value(obj))
            except Exception:  # a broken field must not stop the rest of the page from being indexed
                logger.exception("Could not read search field %s of %r", search_field.field_name, obj)
        elif isinstance(search_field, wagtail_index.RelatedFields):
            related = search_field.get_value(obj)
            if related is None:
                continue
            items = related.all() if hasattr(related, "all") else [related() if callable(related) else related]
            for item in items:
                yield from _search_field_values(item, search_field.fields)


def page_is_public(page):
    return bool(page.live and not page.get_view_restrictions().exists())


def page_section(page):
    """(section key, public name): the top-level page of the site the page lives under.

    A site's home page is at depth 2 and its sections (机构查询, 价格公示, 政策文件 …)
    at depth 3; a policy at depth 4 belongs to 政策文件. The home page itself is
    "网站首页".
    """
    if page.depth <= 2:
        return "home", HOME_SECTION_LABEL
    if page.depth == 3:
        top = page
    else:
        top = Page.objects.ancestor_of(page).filter(depth=3).only("pk", "title", "content_type").first() or page
    # The directory and price pages share their section with the institutions and boards they list.
    shared = SHARED_SECTIONS.get(top.specific_class.__name__ if top.specific_class else "")
    return (shared or f"section-{top.pk}"), top.title


def page_item(page):
    page = page.specific
    texts = [text for name, text in _search_field_values(page, page.get_search_fields()) if name != "title"]
    page_date = None
    for attribute in DATE_ATTRIBUTES:
        value = getattr(page, attribute, None)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            page_date = value
            break
    if page_date is None and page.first_published_at:
        page_date = page.first_published_at.date()
    region = getattr(page, "region", None)
    region = region if isinstance(region, Region) else None
    section, section_label = page_section(page)
    return SearchItem(
        kind=EntryKind.PAGE,
        content_type_id=page.content_type_id,
        object_id=page.pk,
        section=section,
        section_label=section_label,
        title=page.title,
        text="\n".join(t for t in texts if t),
        url=page.url or "",
        region_path=region.path if region else "",
        region_name=region.full_name if region else "",
        is_public=page_is_public(page),
        date=page_date,
        facets={"region": [c for c in region.path.split("/") if c]} if region else {},
        details={"search_description": getattr(page, "search_description", "")},
    )


# --- everything ---------------------------------------------------------------------

def all_items(batch_size=500):
    """Every item the index should hold, in batches (for a full rebuild)."""
    clear_caches()
    directory, prices = directory_pages(), price_pages()
    batch = []
    for institution in institutions_for_index().iterator(chunk_size=batch_size):
        batch.extend(institution_items([institution], directory, prices))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    for page in Page.objects.live().public().specific().order_by("path").iterator(chunk_size=200):
        if page.is_root() or page.depth <= 1:
            continue
        batch.append(page_item(page))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def count_items():
    """About how many items a rebuild writes (for progress reports)."""
    boards = Institution.objects.filter(is_published=True, price_items__isnull=False).distinct().count()
    return Institution.objects.count() + boards + Page.objects.live().public().filter(depth__gt=1).count()
