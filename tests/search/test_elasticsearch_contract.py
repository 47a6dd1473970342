"""Contract tests for the Elasticsearch path: settings, mappings and query bodies from the DSL.

No cluster is needed: these check what ``elasticsearch.dsl`` would send. The
behaviour against a live cluster is covered by the backend-parametrised tests
when ELASTICSEARCH_URL is set.
"""

from unittest import mock

import pytest

from search.stores import elastic as documents
from search.backends.elastic import build_search
from search.query import SearchRequest


@pytest.fixture(autouse=True)
def prefix(settings):
    settings.SEARCH_INDEX_PREFIX = "jingkang-test"


def test_index_names_carry_the_environment_prefix():
    assert documents.alias_name("pages") == "jingkang-test-pages"
    assert documents.alias_name("institutions") == "jingkang-test-institutions"


def test_analysis_works_on_a_stock_cluster():
    body = documents.build_index("pages").to_dict()
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["jk_words"] == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    bigram = analysis["analyzer"]["jk_bigram"]
    assert bigram["tokenizer"] == "standard"
    assert bigram["filter"] == ["cjk_width", "lowercase", "jk_cjk_bigram"]
    assert analysis["filter"]["jk_cjk_bigram"] == {"type": "cjk_bigram", "output_unigrams": True}
    # Nothing that needs a plugin.
    assert "smartcn" not in str(body) and "ik_smart" not in str(body)


def test_institution_mapping_has_keyword_facets_geo_point_and_published_flag():
    props = documents.build_index("institutions").to_dict()["mappings"]["properties"]
    for name in ("department", "category", "service", "region_codes", "region_path", "section", "kind"):
        assert props[name] == {"type": "keyword"}, name
    assert props["location"] == {"type": "geo_point"}
    assert props["is_public"] == {"type": "boolean"}
    assert props["title_words"]["analyzer"] == "jk_words"
    assert props["title"]["analyzer"] == "jk_bigram" and props["title"]["fields"]["raw"] == {"type": "keyword"}
    assert props["details"] == {"type": "object", "enabled": False}
    pages = documents.build_index("pages").to_dict()["mappings"]["properties"]
    assert "location" not in pages and pages["date"] == {"type": "date"}


def test_optional_analyzers_only_when_the_cluster_has_the_plugin():
    props = documents.build_index("pages", plugins={"analysis-smartcn"}).to_dict()["mappings"]["properties"]
    assert props["text"]["fields"]["smartcn"] == {"type": "text", "analyzer": "smartcn"}
    ik = documents.build_index("pages", plugins={"analysis-ik"}).to_dict()["mappings"]["properties"]
    assert ik["title"]["fields"]["ik"] == {"type": "text", "analyzer": "ik_smart"}
    # The document class itself stays plugin-free.
    assert "smartcn" not in str(documents.build_index("pages").to_dict())


def test_directory_query_body():
    request = SearchRequest(
        text="铁东 康复驿站", kinds=("institution",), region="210300", department="health", service="服药训练",
        facets=("department", "service"), page=2, page_size=10,
    )
    with mock.patch("search.backends.facet_labels.candidate_values", return_value=None):
        body = build_search(request).to_dict()
    query = body["query"]["bool"]
    assert len(query["must"]) == 2  # every term must be found
    first = query["must"][0]["bool"]
    assert first["minimum_should_match"] == 1
    assert {"match": {"title_words": {"query": "铁东", "boost": 10}}} in first["should"]
    assert {"match": {"text": {"query": "铁东", "operator": "and"}}} in first["should"]
    assert {"term": {"is_public": True}} in query["filter"]
    assert {"term": {"region_codes": "210300"}} in query["filter"]
    # Facet filters are post filters; each facet is counted under the others only.
    assert body["post_filter"] == {"bool": {"filter": [{"term": {"department": "health"}},
                                                       {"term": {"service": "服药训练"}}]}}
    assert body["aggs"]["department"]["filter"] == {"bool": {"filter": [{"term": {"service": "服药训练"}}]}}
    assert body["aggs"]["service"]["aggs"]["values"]["terms"]["field"] == "service"
    assert body["from"] == 10 and body["size"] == 10
    assert body["sort"][0] == "_score" and body["track_total_hits"] is True


def test_distance_sort_and_staff_scope_in_query_body():
    request = SearchRequest(kinds=("institution",), public_only=False, scope_paths=["210000/210300/210302/"],
                            sort="distance", near=(41.1, 123.0))
    body = build_search(request).to_dict()
    assert body["sort"][0] == {"_geo_distance": {"location": {"lat": 41.1, "lon": 123.0}, "order": "asc",
                                                 "unit": "km", "ignore_unmapped": True}}
    filters = body["query"]["bool"]["filter"]
    assert {"term": {"is_public": True}} not in filters
    assert {"bool": {"should": [{"prefix": {"region_path": "210000/210300/210302/"}}],
                     "minimum_should_match": 1}} in filters
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]


def test_site_query_spans_both_aliases_with_section_and_date_filters():
    from datetime import date

    request = SearchRequest(text="康复", sections=("pages.policypage",), date_from=date(2025, 1, 1),
                            facets=("section",))
    s = build_search(request)
    assert s._index == ["jingkang-test-institutions", "jingkang-test-pages"]
    body = s.to_dict()
    assert {"range": {"date": {"gte": "2025-01-01"}}} in body["query"]["bool"]["filter"]
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"section": ["pages.policypage"]}}]}}
    assert body["aggs"]["section"]["aggs"]["values"]["aggs"]["label"]["terms"]["field"] == "section_label"


def test_document_conversion():
    from search.items import SearchItem

    doc = SearchItem(kind="institution", content_type_id=1, object_id=7, section="registry.institution",
                   section_label="服务机构", title="铁东区康复驿站", text="服务项目：服药训练", is_public=True,
                   latitude=41.1, longitude=123.0, region_path="210000/210300/210302/",
                   facets={"region": ["210000", "210300", "210302"], "department": ["civil_affairs"],
                           "category": ["community_rehab"], "service": ["服药训练"]})
    which, es_doc = documents.to_document(doc)
    data = es_doc.to_dict(include_meta=True)
    assert which == "institutions" and data["_id"] == "registry.institution:7"
    source = data["_source"]
    assert source["location"] == {"lat": 41.1, "lon": 123.0}
    assert source["service"] == ["服药训练"] and source["region_codes"] == ["210000", "210300", "210302"]
    assert "康复驿站" in source["title_words"].split()


def test_rebuild_fills_a_new_index_then_swaps_the_alias_atomically(regions):
    from portal.registry.models import Institution

    Institution.objects.create(name="铁东区康复驿站", county=regions["210302"], owner_department="civil_affairs",
                               category="community_rehab", is_published=True)
    es = mock.MagicMock()
    es.indices.exists_alias.return_value = True
    es.indices.get_alias.side_effect = lambda name: {f"{name}-old": {}}
    with mock.patch.object(documents, "client", return_value=es), \
            mock.patch.object(documents, "cluster_plugins", return_value=set()), \
            mock.patch.object(documents.Index, "create") as create, \
            mock.patch.object(documents.helpers, "bulk") as bulk:
        progress = []
        documents.rebuild_index(progress=lambda done, total: progress.append((done, total)))
    assert create.call_count == 2
    actions = es.indices.update_aliases.call_args.kwargs["actions"]
    assert {"remove": {"index": "jingkang-test-pages-old", "alias": "jingkang-test-pages"}} in actions
    added = [a["add"] for a in actions if "add" in a]
    assert {a["alias"] for a in added} == {"jingkang-test-pages", "jingkang-test-institutions"}
    assert all(a["index"].startswith(a["alias"] + "-") for a in added)
    # One update_aliases call: readers switch in one step; the old indexes go afterwards.
    assert es.indices.update_aliases.call_count == 1
    deleted = {c.kwargs["index"] for c in es.indices.delete.call_args_list}
    assert deleted == {"jingkang-test-pages-old", "jingkang-test-institutions-old"}
    done, total = progress[-1]
    assert done == total >= 1
    (bulk_client, bulk_actions), _ = bulk.call_args
    assert bulk_client is es
    institution = next(a for a in bulk_actions if a["_id"].startswith("registry.institution:"))
    assert institution["_index"].startswith("jingkang-test-institutions-")
