"""From portal objects to index rows: what is searchable, and keeping it fresh.

Two kinds of object are indexed:

* every ``registry.Institution`` (published or not: staff search the
  unpublished ones in the admin; ``is_public`` keeps them off the public site);
* every live Wagtail page without view restrictions, whatever its type: the
  text is read through the page type's own ``search_fields`` (StreamField
  blocks included, via Wagtail's ``get_searchable_content``), so a new page
  type is searchable as soon as it declares them.

``index_objects`` writes the database index and, when ``ELASTICSEARCH_URL`` is
set, the Elasticsearch index too. ``signals.py`` calls it after the
transaction commits.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.search import index as wagtail_index

from portal.registry.models import Institution, Region

from . import segmenter
from .models import EntryKind, SearchEntry, SearchService, SearchText

logger = logging.getLogger(__name__)

INSTITUTION_SECTION = "registry.institution"
INSTITUTION_SECTION_LABEL = "服务机构"
MAX_TEXT_CHARS = 200_000


@dataclass
class Document:
    """One searchable object, independent of the backend that stores it."""

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
        return f"{self.section}:{self.object_id}"

    def entry_fields(self):
        return {
            "kind": self.kind, "section": self.section, "section_label": self.section_label,
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


def directory_pages():
    """Live public directory pages (the site's 机构查询), or [] while the site has none."""
    try:
        model = apps.get_model("pages", "DirectoryPage")
    except LookupError:
        return []
    if model._meta.db_table not in connection.introspection.table_names():
        return []
    return list(model.objects.live().public().select_related("region").order_by("path"))


def _institution_url(institution, pages):
    """The institution's detail page on the first directory page whose region holds it."""
    for page in pages:
        region = getattr(page, "region", None)
        if region is not None and not institution.county.path.startswith(region.path):
            continue
        base = page.url or ""
        if not base:
            continue
        try:
            return base.rstrip("/") + "/" + page.reverse_subpage("detail", kwargs={"pk": institution.pk}).lstrip("/")
        except Exception:  # a directory page without a detail route
            return base
    return ""


def institution_document(institution, content_type_id=None, pages=None):
    chain = _region_chain(institution.county)
    services = [s.name for s in institution.services.all()]
    labels = {
        "department": institution.get_owner_department_display(),
        "category": institution.get_category_display(),
    }
    region_names = "".join(r.name for r in chain)
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
    return Document(
        kind=EntryKind.INSTITUTION,
        content_type_id=content_type_id or ContentType.objects.get_for_model(Institution).pk,
        object_id=institution.pk,
        section=INSTITUTION_SECTION,
        section_label=INSTITUTION_SECTION_LABEL,
        title=institution.name,
        text="\n".join(p for p in parts if p),
        url=_institution_url(institution, directory_pages() if pages is None else pages) if institution.is_published else "",
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
        details={**labels, "address": institution.address, "services": services,
                 "county": institution.county.name, "facility_type": institution.get_facility_type_display()},
    )


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


def page_document(page):
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
    meta = page.specific_class._meta
    return Document(
        kind=EntryKind.PAGE,
        content_type_id=page.content_type_id,
        object_id=page.pk,
        section=f"{meta.app_label}.{meta.model_name}",
        section_label=str(meta.verbose_name),
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


# --- writing ----------------------------------------------------------------------

def save_document(document):
    """Write one document to the database index."""
    with transaction.atomic():
        entry, _ = SearchEntry.objects.update_or_create(
            content_type_id=document.content_type_id, object_id=document.object_id,
            defaults=document.entry_fields(),
        )
        SearchText.objects.update_or_create(entry=entry, defaults=document.text_fields())
        entry.service_rows.all().delete()
        SearchService.objects.bulk_create(
            SearchService(entry=entry, name=name[:50]) for name in dict.fromkeys(document.facets.get("service", []))
        )
    return entry


def delete_documents(content_type_id, object_ids):
    SearchEntry.objects.filter(content_type_id=content_type_id, object_id__in=list(object_ids)).delete()


def elasticsearch_enabled():
    from django.conf import settings

    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def _elastic_call(name, *args):
    if not elasticsearch_enabled():
        return
    from . import documents

    try:
        getattr(documents, name)(*args)
    except Exception:
        # The database index is already right; a cluster outage must not lose the save.
        # `manage.py search_reindex` repairs the cluster index later.
        logger.exception("Elasticsearch update failed (%s)", name)


def index_institutions(pks):
    """(Re)index the given institutions; those that no longer exist are removed."""
    pks = list(pks)
    _region_chain.cache.clear()  # region names may have changed since the last call
    ct = ContentType.objects.get_for_model(Institution)
    found = (
        Institution.objects.filter(pk__in=pks)
        .select_related("county").prefetch_related("services")
    )
    pages = directory_pages()
    documents = [institution_document(i, ct.pk, pages) for i in found]
    for document in documents:
        save_document(document)
    gone = set(pks) - {d.object_id for d in documents}
    if gone:
        delete_documents(ct.pk, gone)
    _elastic_call("index_documents", documents)
    if gone:
        _elastic_call("delete_documents", INSTITUTION_SECTION, gone)
    return len(documents)


def index_pages(pks):
    """(Re)index pages: live public pages are written, anything else is removed."""
    pks = list(pks)
    documents, gone = [], []
    pages = {p.pk: p for p in Page.objects.filter(pk__in=pks).specific()}
    for pk in pks:
        page = pages.get(pk)
        if page is None or not page_is_public(page):
            gone.append(pk)
            continue
        documents.append(page_document(page))
    for document in documents:
        save_document(document)
    if gone:
        SearchEntry.objects.filter(kind=EntryKind.PAGE, object_id__in=gone).delete()
        _elastic_call("delete_page_documents", gone)
    _elastic_call("index_documents", documents)
    return len(documents)


def all_documents(batch_size=500):
    """Every document the index should hold, in batches (for a full rebuild)."""
    ct = ContentType.objects.get_for_model(Institution)
    institutions = Institution.objects.select_related("county").prefetch_related("services").order_by("pk")
    batch = []
    pages = directory_pages()
    for institution in institutions.iterator(chunk_size=batch_size):
        batch.append(institution_document(institution, ct.pk, pages))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    for page in Page.objects.live().public().specific().order_by("path").iterator(chunk_size=200):
        if page.is_root() or page.depth <= 1:
            continue
        batch.append(page_document(page))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def count_documents():
    return Institution.objects.count() + Page.objects.live().public().filter(depth__gt=1).count()


def rebuild_database_index(progress=None):
    """Rebuild the database index from scratch; ``progress(done, total)`` is called per batch."""
    total = count_documents()
    done = 0
    _region_chain.cache.clear()
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        for batch in all_documents():
            bulk_insert_documents(batch)
            done += len(batch)
            if progress:
                progress(done, total)
    return done


def bulk_insert_documents(documents):
    """Insert documents known to be absent from the index (a rebuild, a bulk load)."""
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(content_type_id=d.content_type_id, object_id=d.object_id, **d.entry_fields()) for d in documents
    )
    SearchText.objects.bulk_create(
        (SearchText(entry_id=entry.pk, **document.text_fields()) for entry, document in zip(entries, documents)),
        batch_size=500,
    )
    SearchService.objects.bulk_create(
        (SearchService(entry_id=entry.pk, name=name[:50])
         for entry, document in zip(entries, documents)
         for name in dict.fromkeys(document.facets.get("service", []))),
        batch_size=2000,
    )
    return entries


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), for display and for the final order."""
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))
