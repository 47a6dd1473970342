"""Search quality over the demo data: recall@10 and MRR of Chinese queries.

    .venv/bin/python benchmarks/search_quality.py            # SQLite
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/search_quality.py
    ELASTICSEARCH_URL=… BENCH_ELASTICSEARCH=1 … adds the Elasticsearch backend

Each query names the documents it must find. Institutions' expected hits come
from the registry itself (ORM filters on names, services and regions), pages'
from their titles and from where the seed documents contain the word, never
from the search index. As a floor, the same queries are run with the text
unsegmented (one token per run of Han characters, which is what SQLite FTS5
and PostgreSQL do by default) against the same rows. Goal: recall@10 ≥ 0.95.
"""

import sys

from search_harness import load_demo, test_database

# Policy pages by seed file (the page titles come from portal.pages.demo).
P_JILIN, P_JILIN_2018, P_ANSHAN, P_SHANGHAI, P_RUGAO = "000", "001", "002", "003", "004"

# (query, expected) for the site search; expected: seed ids and page-title fragments.
SITE_QUERIES = [
    ("联席会议", [P_ANSHAN]),
    ("明码标价", [P_JILIN]),
    ("病耻感", [P_SHANGHAI]),
    ("绿色通道", [P_JILIN, P_JILIN_2018, P_ANSHAN, P_SHANGHAI, P_RUGAO]),
    ("过渡性住宿", [P_JILIN]),
    ("日间照料", [P_JILIN]),
    ("就业转介", [P_JILIN, P_JILIN_2018, P_ANSHAN, "从日间训练到就业转介"]),
    ("监督电话", [P_JILIN, P_ANSHAN]),
    ("2023年11月", [P_ANSHAN]),
    ("2025年", [P_JILIN, P_JILIN_2018, P_ANSHAN, P_SHANGHAI, P_RUGAO]),
    ("喘息服务", [P_JILIN_2018, P_RUGAO, "有爱市集"]),
    ("五社联动", [P_JILIN, P_SHANGHAI, P_RUGAO]),
    ("规范服务率", [P_JILIN, P_ANSHAN, P_SHANGHAI]),
    ("长白山管理委员会", [P_JILIN]),
    ("精康融合行动 宣传周", ["宣传周启动"]),
    ("公建民营", [P_JILIN, P_JILIN_2018, P_ANSHAN]),
    ("优秀案例", [P_JILIN]),
    ("个案管理", [P_JILIN, P_JILIN_2018, P_SHANGHAI]),
    ("庇护工场", [P_RUGAO, "从日间训练到就业转介"]),
    ("街镇", [P_SHANGHAI]),
    ("民发〔2022〕104号", [P_JILIN, P_SHANGHAI]),
    ("吉民发〔2023〕40号", [P_JILIN]),
    ("沪民残福发", [P_SHANGHAI]),
    ("如皋", [P_RUGAO, "有爱市集"]),
    ("污名化", [P_SHANGHAI]),
    ("公益广告", [P_JILIN, P_SHANGHAI]),
    ("精神卫生福利机构", [P_JILIN, P_SHANGHAI]),
    ("托养", [P_JILIN, P_JILIN_2018, P_ANSHAN]),
    ("有爱市集", ["有爱市集", P_RUGAO]),
    ("同伴支持小组", ["同伴支持让康复者走出家门"]),
    ("坚持服药", ["如何帮助家人坚持服药"]),
    ("消除偏见", ["消除偏见"]),
]

# (query, filters, ORM filter for the expected institutions) for the directory search.
DIRECTORY_QUERIES = [
    ("铁东区康复驿站", {}, {"name": "铁东区康复驿站（示例）"}),
    ("铁西 康复驿站", {}, {"name": "铁西区康复驿站（示例）"}),
    ("立山区精神障碍社区康复服务站", {}, {"name": "立山区精神障碍社区康复服务站（示例）"}),
    ("千山区残疾人康复服务中心", {}, {"name": "千山区残疾人康复服务中心（示例）"}),
    ("海城市残疾人康复服务中心", {}, {"name": "海城市残疾人康复服务中心（示例）"}),
    ("岫岩 康复驿站", {}, {"name": "岫岩满族自治县康复驿站（示例）"}),
    ("台安县精神障碍社区康复服务站", {}, {"name": "台安县精神障碍社区康复服务站（示例）"}),
    ("高新技术 康复驿站", {}, {"name": "鞍山高新技术产业开发区康复驿站（示例）"}),
    ("指导中心", {}, {"name__contains": "指导中心"}),
    ("评估转介", {}, {"name__contains": "指导中心"}),
    ("绿色通道", {}, {"green_channel_hospital__gt": ""}),
    ("精神卫生中心", {}, {"green_channel_hospital__contains": "精神卫生中心"}),
    ("康复驿站", {"region": "210302"}, {"name__contains": "康复驿站", "county__code": "210302"}),
    ("康复", {"region": "210381"}, {"name__contains": "康复", "county__code": "210381"}),
    ("服药训练", {"region": "210302"}, {"services__name": "服药训练", "county__code": "210302"}),
    ("同伴支持", {"region": "210303"}, {"services__name": "同伴支持", "county__code": "210303"}),
    ("精神障碍", {"region": "210323"}, {"name__contains": "精神障碍", "county__code": "210323"}),
    ("社区康复", {"region": "210311", "department": "civil_affairs"},
     {"name__contains": "社区康复", "county__code": "210311", "owner_department": "civil_affairs"}),
    ("残疾人", {"region": "210321"}, {"name__contains": "残疾人", "county__code": "210321"}),
    ("残联", {"category": "federation_rehab"}, {"category": "federation_rehab"}),
]

K = 10


def unsegmented_terms(query):
    """What a default tokenizer does: whitespace and punctuation split, Han runs stay whole."""
    import re

    return [t for t in re.split(r"[\s\W]+", query.lower()) if t]


def expectations():
    """[(name, kind, query, filters, matcher)] with matcher(hit_title, hit_object_id) per expected document."""
    from django.db.models import Q

    from portal.registry.models import Institution

    try:
        from portal.pages.demo import POLICIES
    except ImportError:
        POLICIES = []
    policy_titles = {filename[:3]: title for filename, title, *_ in POLICIES}
    out, skipped = [], []
    for q, expected in SITE_QUERIES:
        matchers = []
        for key in expected:
            if key in policy_titles:
                matchers.append(lambda title, pk, t=policy_titles[key]: title == t)
            elif key not in ("000", "001", "002", "003", "004"):
                matchers.append(lambda title, pk, f=key: f in title)
        if matchers:
            out.append((f"site: {q}", "site", q, {}, matchers))
        else:
            skipped.append(q)
    for q, filters, truth in DIRECTORY_QUERIES:
        ids = list(Institution.objects.published().filter(Q(**truth)).values_list("pk", flat=True).distinct())
        if ids:
            out.append((f"directory: {q} {filters or ''}".strip(), "directory", q, filters,
                        [lambda title, pk, i=i: pk == i for i in ids]))
        else:
            skipped.append(q)
    return out, skipped


def evaluate(backend):
    from search.directory import search_institutions
    from search.site import search_site

    rows = []
    cases, _ = expectations()
    for name, kind, q, filters, matchers in cases:
        if kind == "site":
            result = search_site(q=q, page_size=K, backend=backend)
        else:
            result = search_institutions(q=q, page_size=K, backend=backend, **filters)
        hits = [(h.title, h.object_id) for h in result.hits] if result else []
        rows.append((name, [next((i for i, (t, pk) in enumerate(hits, 1) if m(t, pk)), None) for m in matchers]))
    return rows


def evaluate_floor():
    """The floor: the default tokenizers' view, simulated on the same rows in Python.

    A document matches when every query token equals one of its tokens, where
    a token is a whole run of Han characters (or of letters and digits), as
    SQLite FTS5's unicode61 and PostgreSQL's default parser produce them;
    title matches rank first. Filters are applied as in the real search.
    """
    from search.models import SearchEntry

    from portal.registry.models import Region

    entries = list(SearchEntry.objects.filter(is_public=True).select_related("content"))
    tokens = {e.id: set(unsegmented_terms(e.title + " " + e.content.text)) for e in entries}
    title_tokens = {e.id: set(unsegmented_terms(e.title)) for e in entries}
    rows = []
    cases, _ = expectations()
    for name, kind, q, filters, matchers in cases:
        wanted = unsegmented_terms(q)
        pool = [e for e in entries if (e.kind == "institution") == (kind == "directory")]
        for facet, value in filters.items():
            if facet == "region":
                path = Region.objects.get(code=value).path
                pool = [e for e in pool if e.region_path.startswith(path)]
            elif facet == "service":
                pool = [e for e in pool if value in e.service_list]
            else:
                pool = [e for e in pool if getattr(e, facet) == value]
        hits = [e for e in pool if wanted and all(t in tokens[e.id] for t in wanted)]
        hits.sort(key=lambda e: (-sum(t in title_tokens[e.id] for t in wanted), e.title))
        top = [(e.title, e.object_id) for e in hits[:K]]
        rows.append((name, [next((i for i, (t, pk) in enumerate(top, 1) if m(t, pk)), None) for m in matchers]))
    return rows


def summarise(rows):
    recalls, reciprocal = [], []
    for _, ranks in rows:
        found = [r for r in ranks if r is not None]
        recalls.append(len(found) / len(ranks))
        reciprocal.append(1 / min(found) if found else 0.0)
    n = len(rows)
    return sum(recalls) / n, sum(reciprocal) / n, recalls


def main():
    with test_database() as vendor:
        documents = load_demo()
        backends = ["database"]
        from django.conf import settings

        if settings.ELASTICSEARCH_URL:
            from search import documents as es

            es.rebuild_index()
            es.refresh()
            backends.append("elasticsearch")
        print(f"database: {vendor}; documents indexed: {documents}; queries defined: {len(SITE_QUERIES) + len(DIRECTORY_QUERIES)}")
        for backend in backends:
            rows = evaluate(backend)
            recall, mrr, recalls = summarise(rows)
            misses = [(name, ranks) for (name, ranks), r in zip(rows, recalls) if r < 1]
            label = f"{backend}/{vendor}" if backend == "database" else backend
            print(f"[{label}] queries={len(rows)} recall@{K}={recall:.3f} MRR={mrr:.3f}")
            for name, ranks in misses:
                print(f"    incomplete: {name} ranks={ranks}")
        _, skipped = expectations()
        if skipped:
            print(f"    not run (no expected document in the data): {', '.join(skipped)}")
        floor_recall, floor_mrr, _ = summarise(evaluate_floor())
        print(f"[floor: default tokenizer (Han runs as one token), same rows] recall@{K}={floor_recall:.3f} MRR={floor_mrr:.3f}")
        return 0 if recall >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
