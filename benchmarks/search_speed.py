"""Directory search speed with 10,000 institutions and 1,000 pages in the index.

    .venv/bin/python benchmarks/search_speed.py            # SQLite
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/search_speed.py

Builds a throw-away test database: the demo regions and services, 10,000
generated institutions spread over every county of the region table (names,
addresses, services and introductions built from the words the portal's
institutions use), and 1,000 page documents cut from the seed policy texts
(written straight into the index: the benchmark measures search, not page
creation). Then it times directory queries with text, a filter and all four
facet counts (what one directory page view asks for), and prints p50/p95.

The floor, measured in the same run, is a plain indexed query on the same
table (the first 20 public institutions by name); the ratio shows what the
full-text match, the facets and the ranking cost on top of it. Goal: p95 ≤ 50 ms
on SQLite.
"""

import random
import statistics
import sys
import time

from search_harness import ROOT, test_database

INSTITUTIONS = 10_000
PAGES = 1_000
RUNS = 300
WARMUP = 30

KINDS = ["精神障碍社区康复服务站", "康复驿站", "社区卫生服务中心精神康复室", "残疾人康复服务中心", "日间照料中心",
         "阳光家园", "心理健康服务中心", "精神卫生中心康复科"]
STREETS = ["人民路", "胜利街", "建设大道", "和平路", "解放街", "园林路", "新华街", "文化路"]
INTRO_WORDS = ["评估转介", "服药训练", "生活技能训练", "社交技能训练", "职业能力训练", "居家康复指导", "同伴支持",
               "家庭支援", "就业转介", "绿色通道", "心理疏导", "日间训练", "过渡性住宿", "个案管理"]
QUERIES = ["康复", "康复驿站", "服药训练", "社区康复", "同伴支持", "精神障碍", "阳光家园", "绿色通道",
           "日间照料", "心理健康", "铁东 康复", "人民路", "职业能力训练", "康复服务站", "家庭支援"]


def build(rng):
    from django.contrib.contenttypes.models import ContentType

    from portal.registry.models import Institution, InstitutionCategory, OwnerDepartment, Region, ServiceItem
    from portal.registry.region_loader import load_regions
    from search import indexing
    from search.items import SearchItem
    from search.stores.database import DatabaseStore

    load_regions()
    counties = list(Region.objects.counties())
    services = list(ServiceItem.objects.all())
    departments = list(OwnerDepartment.values)
    categories = list(InstitutionCategory.values)
    rows = []
    for i in range(INSTITUTIONS):
        county = counties[i % len(counties)]
        kind = rng.choice(KINDS)
        rows.append(Institution(
            name=f"{county.name}{rng.choice(STREETS)}{kind}{i}", county=county,
            address=f"{county.name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            owner_department=rng.choice(departments), category=rng.choice(categories),
            introduction="，".join(rng.sample(INTRO_WORDS, 4)) + "。",
            is_published=rng.random() < 0.9,
            latitude=round(rng.uniform(39, 43), 6), longitude=round(rng.uniform(120, 126), 6),
        ))
    Institution.objects.bulk_create(rows, batch_size=1000)
    through = Institution.services.through
    links = [through(institution_id=inst.pk, serviceitem_id=s.pk)
             for inst in Institution.objects.only("pk") for s in rng.sample(services, rng.randint(2, 6))]
    through.objects.bulk_create(links, batch_size=5000)

    started = time.perf_counter()
    indexed = indexing.rebuild_database_index()
    index_seconds = time.perf_counter() - started

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))]
    paragraphs = [p.strip() for t in texts for p in t.split("\n\n") if len(p.strip()) > 40]
    ct = ContentType.objects.get(app_label="wagtailcore", model="page")
    sections = [("pages.policypage", "政策文件"), ("pages.outreachpage", "宣传文章与活动"), ("pages.casepage", "优秀案例")]
    documents = []
    for i in range(PAGES):
        section, label = sections[i % len(sections)]
        body = "\n".join(rng.sample(paragraphs, 8))
        documents.append(SearchItem(
            kind="page", content_type_id=ct.pk, object_id=100_000 + i, section=section, section_label=label,
            title=paragraphs[i % len(paragraphs)][:30], text=body, is_public=True,
        ))
    started = time.perf_counter()
    DatabaseStore.insert(documents)
    DatabaseStore.analyze()  # as a rebuild ends: planner statistics for the pages just added
    page_seconds = time.perf_counter() - started
    return indexed, index_seconds, page_seconds, counties, services


def percentile(values, pct):
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn, runs):
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main():
    rng = random.Random(2026)
    with test_database() as vendor:
        from portal.registry.models import OwnerDepartment
        from search.directory import search_institutions
        from search.models import SearchEntry

        indexed, index_seconds, page_seconds, counties, services = build(rng)
        cities = sorted({c.parent.code for c in counties if c.parent_id})

        def directory_query():
            kwargs = {"q": rng.choice(QUERIES)}
            choice = rng.random()
            if choice < 0.4:
                kwargs["region"] = rng.choice(cities)
            elif choice < 0.6:
                kwargs["region"] = rng.choice(counties).code
            elif choice < 0.8:
                kwargs["department"] = rng.choice(list(OwnerDepartment.values))
            else:
                kwargs["service"] = rng.choice(services).name
            result = search_institutions(backend="database", **kwargs)
            return result.total

        def floor_query():
            return list(SearchEntry.objects.filter(kind="institution", is_public=True).order_by("title")[:20])

        timed(directory_query, WARMUP)
        timed(floor_query, WARMUP)
        samples = timed(directory_query, RUNS)
        floor = timed(floor_query, RUNS)
        broad = timed(lambda: search_institutions(q="康复", backend="database"), 50)

        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        f50 = statistics.median(floor)
        print(f"database: {vendor}; {INSTITUTIONS} institutions + {PAGES} pages "
              f"({SearchEntry.objects.count()} index rows)")
        print(f"indexing: {indexed} institutions in {index_seconds:.1f} s "
              f"({indexed / index_seconds:.0f}/s); {PAGES} pages in {page_seconds:.1f} s")
        print(f"directory query (text + filter + 4 facet counts), {RUNS} runs: "
              f"p50={p50:.1f} ms p95={p95:.1f} ms max={max(samples):.1f} ms")
        print(f"broadest query '康复' (matches ~all 10,000), 50 runs: p50={percentile(broad, 50):.1f} ms "
              f"p95={percentile(broad, 95):.1f} ms")
        print(f"floor (first 20 public institutions by name): p50={f50:.2f} ms; "
              f"directory p50 = {p50 / f50:.1f}× floor")
        goal = 50.0
        print(f"goal p95 ≤ {goal:.0f} ms: {'met' if p95 <= goal else 'NOT met'}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
