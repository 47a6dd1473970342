"""The Elasticsearch store: documents and index management, written with
``elasticsearch.dsl`` (the DSL inside the official client since 8.18).

Chinese analysis that works on a stock cluster, no plugins:

* ``*_words`` fields hold the text segmented in Python (``search.segmenter``,
  jieba-rs with the domain dictionary), split on whitespace by ``jk_words``;
* ``title`` and ``text`` are analysed by ``jk_bigram`` (standard tokenizer,
  cjk_width, lowercase, cjk_bigram with unigrams), so a phrase query on them
  finds any run of characters, the recall net for words cut differently;
* when the cluster has the smartcn (``analysis-smartcn``) or IK
  (``analysis-ik``) plugin, ``title.smartcn``/``text.smartcn`` (or ``.ik``)
  subfields are added and queried too.

Index names carry an environment prefix (``SEARCH_INDEX_PREFIX``). Readers and
writers use two aliases, ``<prefix>-pages`` and ``<prefix>-institutions``; a
rebuild fills a new timestamped index and swaps the alias in one atomic call,
so searches never see a half-built index.
"""

import logging
import os
import time

from django.conf import settings

from .. import segmenter
from ..models import EntryKind
from elasticsearch import helpers
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    GeoPoint,
    Index,
    Keyword,
    Object,
    Text,
    analyzer,
    connections,
    token_filter,
)

logger = logging.getLogger(__name__)

CONNECTION = "default"

jk_words = analyzer("jk_words", tokenizer="whitespace", filter=["lowercase"])
jk_bigram = analyzer(
    "jk_bigram",
    tokenizer="standard",
    filter=["cjk_width", "lowercase", token_filter("jk_cjk_bigram", "cjk_bigram", output_unigrams=True)],
)
OPTIONAL_ANALYZERS = {
    # plugin name as _cat/plugins reports it → (subfield, analyzer name)
    "analysis-smartcn": ("smartcn", "smartcn"),
    "analysis-ik": ("ik", "ik_smart"),
}


class BaseDocument(Document):
    kind = Keyword()
    section = Keyword()
    section_label = Keyword()
    object_id = Keyword()
    title = Text(analyzer=jk_bigram, fields={"raw": Keyword()})
    title_words = Text(analyzer=jk_words)
    text = Text(analyzer=jk_bigram)
    body_words = Text(analyzer=jk_words)
    url = Keyword(index=False)
    region_path = Keyword()
    region_codes = Keyword()
    region_name = Keyword()
    is_public = Boolean()
    date = Date()
    details = Object(enabled=False)


class PageDocument(BaseDocument):
    """A live, public Wagtail page of any type."""


class InstitutionDocument(BaseDocument):
    """A registry institution; department, category and services are keyword facets."""

    department = Keyword()
    category = Keyword()
    service = Keyword()
    location = GeoPoint()


DOCUMENTS = {"pages": PageDocument, "institutions": InstitutionDocument}


def prefix():
    return getattr(settings, "SEARCH_INDEX_PREFIX", "") or os.environ.get("SEARCH_INDEX_PREFIX", "") or "jingkang-dev"


def alias_name(which):
    return f"{prefix()}-{which}"


def all_aliases():
    return [alias_name(which) for which in DOCUMENTS]


def client():
    try:
        return connections.get_connection(CONNECTION)
    except KeyError:
        return connections.create_connection(
            CONNECTION, hosts=[settings.ELASTICSEARCH_URL], request_timeout=10, retry_on_timeout=True,
        )


def cluster_plugins():
    try:
        return {row["component"] for row in client().cat.plugins(format="json")}
    except Exception:
        logger.warning("Could not list Elasticsearch plugins; using the plugin-free analysis only")
        return set()


def build_index(which, name=None, plugins=()):
    """The dsl Index for "pages" or "institutions" (settings, analysers, mapping)."""
    document = DOCUMENTS[which]
    index = Index(name or alias_name(which))
    index.settings(number_of_shards=1, number_of_replicas=0, max_result_window=10_000)
    # A copy of the document's mapping, so optional subfields never leak into the class.
    index.mapping(document._doc_type.mapping)
    extra = {}
    for plugin, (subfield, analyzer_name) in OPTIONAL_ANALYZERS.items():
        if plugin in plugins:
            extra[subfield] = Text(analyzer=analyzer_name)
    if extra:
        mapping = index.get_or_create_mapping()
        mapping.field("title", Text(analyzer=jk_bigram, fields={"raw": Keyword(), **extra}))
        mapping.field("text", Text(analyzer=jk_bigram, fields=extra))
    return index


def optional_subfields(plugins):
    return [subfield for plugin, (subfield, _) in OPTIONAL_ANALYZERS.items() if plugin in plugins]


# --- documents ----------------------------------------------------------------------

def _which(kind):
    return "institutions" if kind == EntryKind.INSTITUTION else "pages"


def to_document(item):
    """A search.items.SearchItem → (alias key, dsl document)."""
    which = _which(item.kind)
    fields = dict(
        kind=str(item.kind), section=item.section, section_label=item.section_label,
        object_id=str(item.object_id), title=item.title, text=item.text,
        title_words=" ".join(segmenter.index_words(item.title)),
        body_words=" ".join(segmenter.index_words(item.text)),
        url=item.url, region_path=item.region_path, region_codes=item.facets.get("region", []),
        region_name=item.region_name, is_public=item.is_public, date=item.date,
        details=item.details,
    )
    if which == "institutions":
        fields.update(
            department=item.facets.get("department", []), category=item.facets.get("category", []),
            service=item.facets.get("service", []),
        )
        if item.latitude is not None and item.longitude is not None:
            fields["location"] = {"lat": item.latitude, "lon": item.longitude}
    doc = DOCUMENTS[which](meta={"id": item.key}, **fields)
    return which, doc


def index_items(items, index_names=None, refresh=False):
    """Bulk-write items (into the aliases, or into ``index_names`` during a rebuild)."""
    actions = []
    for item in items:
        which, doc = to_document(item)
        target = (index_names or {}).get(which) or alias_name(which)
        action = doc.to_dict(include_meta=True)
        action["_index"] = target
        actions.append(action)
    if actions:
        helpers.bulk(client(), actions, refresh=refresh)
    return len(actions)


def delete_items(kind, object_ids):
    """Remove items by kind and object id (pages are keyed by kind, whatever their section)."""
    from elasticsearch.dsl import Search

    ids = [str(pk) for pk in object_ids]
    if not ids:
        return
    Search(using=client(), index=alias_name(_which(kind))).filter("term", kind=str(kind)).filter(
        "terms", object_id=ids).delete()


def refresh():
    client().indices.refresh(index=",".join(all_aliases()))


# --- rebuild with an alias swap ---------------------------------------------------------

def rebuild_index(progress=None, batch_size=500, batches=None, total=None):
    """Fill fresh indexes from the database (or from ``batches`` of items), then point
    the aliases at them atomically."""
    from ..items import all_items, count_items

    es = client()
    plugins = cluster_plugins()
    stamp = time.strftime("%Y%m%d%H%M%S") + f"{int(time.time() * 1000) % 1000:03d}"
    new_names = {which: f"{alias_name(which)}-{stamp}" for which in DOCUMENTS}
    for which, name in new_names.items():
        build_index(which, name=name, plugins=plugins).create(using=es)
    if batches is None:
        batches, total = all_items(batch_size=batch_size), count_items()
    done = 0
    for batch in batches:
        index_items(batch, index_names=new_names)
        done += len(batch)
        if progress:
            progress(done, total)
    es.indices.refresh(index=",".join(new_names.values()))
    actions, old = [], []
    for which, name in new_names.items():
        alias = alias_name(which)
        if es.indices.exists_alias(name=alias):
            for existing in es.indices.get_alias(name=alias):
                actions.append({"remove": {"index": existing, "alias": alias}})
                old.append(existing)
        elif es.indices.exists(index=alias):
            # A plain index squatting on the alias name (an old install): replace it.
            actions.append({"remove_index": {"index": alias}})
        actions.append({"add": {"index": name, "alias": alias}})
    es.indices.update_aliases(actions=actions)
    for name in old:
        es.indices.delete(index=name, ignore_unavailable=True)
    return done


def delete_indexes():
    """Remove this prefix's indexes (tests)."""
    es = client()
    for alias in all_aliases():
        if es.indices.exists_alias(name=alias):
            for existing in es.indices.get_alias(name=alias):
                es.indices.delete(index=existing, ignore_unavailable=True)


class ElasticsearchStore:
    """The store interface (search.stores.Store) over the functions above."""

    name = "elasticsearch"
    required = False

    def save(self, items):
        return index_items(items)

    def delete(self, kind, object_ids):
        delete_items(kind, object_ids)

    def rebuild(self, batches, total, progress=None):
        return rebuild_index(progress=progress, batches=batches, total=total)
