"""Elasticsearch backend: the same requests and results as the database backend.

Every query term must be found, either as a segmented word (``title_words``,
``body_words``) or as all of its characters and bigrams in the ``jk_bigram``
fields (the same rule as the database backend's grams). Region is a drill-down
filter; department, category, service and section filters go into
``post_filter`` and each facet is counted under the other filters only, as
the database backend does. Highlighting is done in Python from ``_source`` so
both backends mark the same words.
"""

from datetime import date

from elasticsearch.dsl import A, Q, Search

from ..stores import elastic as es_store
from ..query import FacetValue, Hit, SearchResult, distance_km, highlight_terms, hit_snippet, mark
from . import facet_labels

MAX_WINDOW = 10_000
FACET_FIELDS = {"department": "department", "category": "category", "service": "service",
                "region": "region_codes", "section": "section"}
SOURCE_FIELDS = ["kind", "section", "section_label", "object_id", "title", "text", "url", "region_name",
                 "date", "location", "details"]


def term_query(term, plugins=()):
    should = [
        Q("match", title_words={"query": term, "boost": 10}),
        Q("match", body_words={"query": term, "boost": 3}),
        Q("match", title={"query": term, "operator": "and", "boost": 2}),
        Q("match", text={"query": term, "operator": "and"}),
    ]
    for subfield in es_store.optional_subfields(plugins):
        should.append(Q("match_phrase", **{f"text.{subfield}": {"query": term}}))
    return Q("bool", should=should, minimum_should_match=1)


def build_search(request, plugins=(), using=None):
    """The dsl Search for a SearchRequest (no cluster needed: ``.to_dict()`` is the body)."""
    indexes = []
    if not request.kinds or "institution" in request.kinds:
        indexes.append(es_store.alias_name("institutions"))
    if not request.kinds or {"page", "price_board"} & set(request.kinds):
        indexes.append(es_store.alias_name("pages"))
    s = Search(using=using, index=indexes)
    must = [term_query(term, plugins) for term in request.terms]
    filters = []
    if request.public_only:
        filters.append(Q("term", is_public=True))
    if request.kinds:
        filters.append(Q("terms", kind=list(request.kinds)))
    if request.scope_paths is not None:
        filters.append(Q("bool", should=[Q("prefix", region_path=p) for p in request.scope_paths],
                         minimum_should_match=1))
    if request.date_from or request.date_to:
        bounds = {}
        if request.date_from:
            bounds["gte"] = request.date_from.isoformat()
        if request.date_to:
            bounds["lte"] = request.date_to.isoformat()
        filters.append(Q("range", date=bounds))
    if request.region:
        filters.append(Q("term", region_codes=request.region))
    s = s.query(Q("bool", must=must or [Q("match_all")], filter=filters))

    post = {name: Q("term", **{FACET_FIELDS[name]: value})
            for name, value in request.filter_values().items() if name != "region"}
    if request.sections:
        post["section"] = Q("terms", section=list(request.sections))
    if post:
        s = s.post_filter(Q("bool", filter=list(post.values())))

    for name in request.facets:
        others = [q for n, q in post.items() if n != name]
        bucket = A("filter", filter=Q("bool", filter=others) if others else Q("match_all"))
        terms = {"field": FACET_FIELDS[name], "size": 200}
        if name == "region":
            terms["include"] = facet_labels.candidate_values("region", request)
        inner = bucket.bucket("values", "terms", **terms)
        if name == "section":
            inner.bucket("label", "terms", field="section_label", size=1)
        s.aggs.bucket(name, bucket)

    if request.sort == "distance" and request.near:
        lat, lon = request.near
        s = s.sort({"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km",
                                      "ignore_unmapped": True}}, "title.raw", "object_id")
    elif request.sort == "date":
        s = s.sort({"date": {"order": "desc", "missing": "_last"}}, "title.raw", "object_id")
    elif request.sort == "name" or not request.terms:
        s = s.sort("title.raw", "object_id")
    else:
        s = s.sort("_score", "title.raw", "object_id")

    start = min(request.offset, MAX_WINDOW)
    end = min(request.offset + request.page_size, MAX_WINDOW)
    s = s.source(SOURCE_FIELDS).extra(track_total_hits=True)
    return s[start:end]


class ElasticsearchBackend:
    name = "elasticsearch"

    def search(self, request):
        plugins = _plugins()
        s = build_search(request, plugins=plugins, using=es_store.client())
        response = s.execute()
        terms = highlight_terms(request)
        hits = [self._hit(h, request, terms) for h in response.hits]
        facets, region_counts = {}, {}
        aggs = response.aggregations if request.facets else None
        for name in request.facets:
            buckets = getattr(aggs, name).values.buckets
            if name == "section":
                selected = set(request.sections)
                facets[name] = [
                    FacetValue(b.key, b.label.buckets[0].key if b.label.buckets else b.key, b.doc_count,
                               b.key in selected)
                    for b in buckets
                ]
            else:
                counts = {b.key: b.doc_count for b in buckets}
                facets[name] = facet_labels.facet_values(name, counts, request)
                if name == "region":
                    region_counts = counts
        return SearchResult(request=request, hits=hits, total=response.hits.total.value, facets=facets,
                            backend="elasticsearch", region_counts=region_counts)

    @staticmethod
    def _hit(h, request, terms):
        source = h.to_dict()
        location = source.get("location") or {}
        lat, lon = location.get("lat"), location.get("lon")
        distance = None
        if request.near and lat is not None:
            distance = round(distance_km(request.near[0], request.near[1], lat, lon), 2)
        raw_date = source.get("date")
        if isinstance(raw_date, str):
            raw_date = date.fromisoformat(raw_date[:10])
        return Hit(
            kind=source.get("kind", ""), section=source.get("section", ""),
            section_label=source.get("section_label", ""), object_id=int(source.get("object_id", 0)),
            title=source.get("title", ""), url=source.get("url", ""),
            title_html=mark(source.get("title", ""), terms),
            snippet_html=hit_snippet(source.get("text", ""), source.get("details"), terms),
            score=h.meta.score, date=raw_date, region_name=source.get("region_name", ""), distance_km=distance,
            latitude=lat, longitude=lon, details=source.get("details") or {},
        )


_PLUGINS = {}


def _plugins():
    key = es_store.prefix()
    if key not in _PLUGINS:
        _PLUGINS[key] = es_store.cluster_plugins()
    return _PLUGINS[key]
