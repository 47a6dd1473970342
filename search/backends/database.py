"""The embedded default: the search index tables, on SQLite (FTS5) or PostgreSQL (tsvector).

Matching is the same on both databases: every query term must be found in a
document, either as a segmented word (title or body) or as all of its grams
(single characters and bigrams).

One search is a few statements. The full-text match runs once (on
PostgreSQL: the GIN index alone gives the matching ids, _pg_match_ids); the
main statement keeps the entries that pass the base filters (public, kind,
staff scope, date, region subtree) in a materialised CTE, and returns the
page (ordered and sliced in SQL), the total and every facet count from it,
each facet counted under the other filters only (a UNION ALL of small GROUP
BYs); the last loads the entries shown. Highlighting is done in Python
(query.snippet), the same for every backend.
"""

import math

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from portal.registry.models import Region

from ..models import SearchEntry
from ..query import FacetValue, Hit, SearchResult, distance_km, highlight_terms, hit_snippet, mark
from .. import segmenter
from ..segmenter import term_grams
from . import facet_labels

# Rank with bm25 / ts_rank when at most this many documents are found; above
# it, ranking costs several times the match itself while telling little apart
# (nearly every name holds the word), so shorter titles simply come first.
SCORED_MATCH_LIMIT = 3000

def _fts5_quote(token):
    return '"' + token.replace('"', '""') + '"'


def fts5_expression(terms):
    """FTS5 MATCH text: each term as a word in title/body, or all its grams."""
    clauses = []
    for term in terms:
        grams = " AND ".join(_fts5_quote(g) for g in term_grams(term)) or _fts5_quote(term)
        clauses.append(f"({{title_words body_words}} : {_fts5_quote(term)} OR grams : ({grams}))")
    return " AND ".join(clauses)


def _tsquery_quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(terms):
    """to_tsquery('simple', …) text with the same meaning as fts5_expression.

    No weight labels (:AB for words, :D for grams): with them the GIN index
    cannot decide alone and PostgreSQL re-reads (and de-TOASTs) the vector of
    every candidate row, most of the time of a broad query. They are not
    needed: every word of the text is also present as its grams (a two-character
    word is a bigram of the same text), and a term longer than two characters
    can only be a word, so the unlabelled query finds the same rows.
    """
    clauses = []
    for term in terms:
        grams = " & ".join(_tsquery_quote(g) for g in term_grams(term)) or _tsquery_quote(term)
        clauses.append(f"({_tsquery_quote(term)} | ({grams}))")
    return " & ".join(clauses)


class DatabaseBackend:
    name = "database"

    def __init__(self):
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise ImproperlyConfigured("站内搜索的数据库模式只支持 SQLite 和 PostgreSQL；其他数据库请配置 ELASTICSEARCH_URL。")

    # --- SQL pieces that differ per database ------------------------------------------

    def _match_cte(self, terms, scored=False):
        """SQLite: the matching entry ids (and their score, higher is better, when ``scored``).

        Materialised: the full-text query runs once (left to itself, SQLite's
        planner may re-run it for every entry row).
        """
        score = ", -bm25(search_entry_fts, 10.0, 3.0, 1.0) AS score" if scored else ", 0.0 AS score"
        return (f"m AS MATERIALIZED (SELECT rowid AS id{score} FROM search_entry_fts "
                "WHERE search_entry_fts MATCH %s)", [fts5_expression(terms)])

    def _title_order(self):
        # Code-point order on both databases (PostgreSQL would otherwise use the locale's).
        return "b.title" if self.vendor == "sqlite" else 'b.title COLLATE "C"'

    # --- building the statements ----------------------------------------------------------

    def _ctes(self, request, terms, region_path, scored=False, match_ids=None):
        where, params = ["1 = 1"], []
        if request.public_only:
            where.append("e.is_public = %s")
            params.append(True)
        if request.kinds:
            where.append(f"e.kind IN ({', '.join(['%s'] * len(request.kinds))})")
            params.extend(request.kinds)
        if request.scope_paths is not None:
            scope = [f"substr(e.region_path, 1, {len(p)}) = %s" for p in request.scope_paths]
            where.append("(" + (" OR ".join(scope) or "1 = 0") + ")")
            params.extend(request.scope_paths)
        if request.date_from:
            where.append("e.date >= %s")
            params.append(request.date_from)
        if request.date_to:
            where.append("e.date <= %s")
            params.append(request.date_to)
        if region_path:
            where.append(f"substr(e.region_path, 1, {len(region_path)}) = %s")
            params.append(region_path)
        columns = "e.id, e.title, e.department, e.category, e.region_path, e.section, e.section_label, " \
                  "e.latitude, e.longitude, e.date"
        if self.vendor == "postgresql" and "service" in request.facets:
            columns += ", e.services"
        if terms and self.vendor == "postgresql":
            # The matches are known (_pg_match_ids); the vectors are read only to rank a few.
            if scored:
                return (f"WITH b AS MATERIALIZED (SELECT {columns}, ts_rank(t.search_vector, q) AS score "
                        "FROM search_searchentry e JOIN search_searchtext t ON t.entry_id = e.id "
                        "CROSS JOIN to_tsquery('simple', %s) q "
                        f"WHERE e.id = ANY(%s) AND {' AND '.join(where)}) ",
                        [tsquery_expression(terms), match_ids] + params)
            return (f"WITH b AS MATERIALIZED (SELECT {columns}, 0.0 AS score FROM search_searchentry e "
                    f"WHERE e.id = ANY(%s) AND {' AND '.join(where)}) ", [match_ids] + params)
        if terms:
            match_sql, match_params = self._match_cte(terms, scored)
            return (f"WITH {match_sql}, b AS MATERIALIZED (SELECT {columns}, m.score FROM m "
                    f"JOIN search_searchentry e ON e.id = m.id WHERE {' AND '.join(where)}) ", match_params + params)
        return (f"WITH b AS MATERIALIZED (SELECT {columns}, 0.0 AS score FROM search_searchentry e "
                f"WHERE {' AND '.join(where)}) ", params)

    @staticmethod
    def _facet_filters(request):
        """name → (SQL condition on b, params) for the facet filters in force."""
        wanted = request.filter_values()
        filters = {}
        if wanted.get("department"):
            filters["department"] = ("b.department = %s", [wanted["department"]])
        if wanted.get("category"):
            filters["category"] = ("b.category = %s", [wanted["category"]])
        if wanted.get("service"):
            filters["service"] = ("EXISTS (SELECT 1 FROM search_searchservice fs WHERE fs.entry_id = b.id "
                                   "AND fs.name = %s)", [wanted["service"]])
        if request.sections:
            filters["section"] = (f"b.section IN ({', '.join(['%s'] * len(request.sections))})",
                                  list(request.sections))
        return filters

    @staticmethod
    def _where(filters, skip=None):
        parts = [(sql, params) for name, (sql, params) in filters.items() if name != skip]
        if not parts:
            return "1 = 1", []
        return " AND ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]

    def match_count(self, terms):
        """How many documents match (cheap: no ranking, no rows)."""
        if self.vendor == "postgresql":
            return len(self._pg_match_ids(terms))
        return self._run("SELECT count(*) FROM search_entry_fts WHERE search_entry_fts MATCH %s",
                         [fts5_expression(terms)])[0][0]

    def matching_object_ids(self, text, section):
        """Object ids of every indexed object of ``section`` that matches ``text`` (public or not)."""
        terms = segmenter.query_terms(text)
        if not terms:
            return []
        if self.vendor == "sqlite":
            sql = ("SELECT e.object_id FROM search_entry_fts f JOIN search_searchentry e ON e.id = f.rowid "
                   "WHERE search_entry_fts MATCH %s AND e.section = %s")
            params = [fts5_expression(terms), section]
        else:
            sql = "SELECT e.object_id FROM search_searchentry e WHERE e.id = ANY(%s) AND e.section = %s"
            params = [self._pg_match_ids(terms), section]
        return [row[0] for row in self._run(sql, params)]

    def _run(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _pg_match_ids(self, terms):
        """PostgreSQL: the ids of the matching entries, found by the GIN index alone.

        The unlabelled tsquery needs no recheck, so even a broad word ("康复",
        nearly every row) costs one bitmap of the index, without reading a single
        vector. But the planner, rightly expecting most rows to match, prefers a
        scan that de-TOASTs and tests every vector, several times slower; for this
        one statement plain and index scans are made a last resort (SET LOCAL in a
        savepoint, put back before anything else runs).
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
                           "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)")
            seqscan, indexscan = cursor.fetchone()[:2]
            cursor.execute("SELECT entry_id FROM search_searchtext WHERE search_vector @@ to_tsquery('simple', %s)",
                           [tsquery_expression(terms)])
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
                           [seqscan, indexscan])
        return ids

    # --- search -------------------------------------------------------------------

    def search(self, request):
        terms = request.terms
        region_path = ""
        if request.region:
            region_path = Region.objects.filter(code=request.region).values_list("path", flat=True).first()
            if region_path is None:
                return SearchResult(request=request, hits=[], total=0, backend=f"database/{self.vendor}",
                                    facets={name: [] for name in request.facets})
        match_ids = self._pg_match_ids(terms) if terms and self.vendor == "postgresql" else None
        count = len(match_ids) if match_ids is not None else (self.match_count(terms) if terms else 0)
        ranked = request.sort == "relevance" and bool(terms) and count <= SCORED_MATCH_LIMIT
        ctes, cte_params = self._ctes(request, terms, region_path, scored=ranked, match_ids=match_ids)
        filters = self._facet_filters(request)

        # One statement: the page (ordered and sliced in SQL), the total, and every
        # facet count, each facet counted under the other filters only.
        where, where_params = self._where(filters)
        order, order_params = self._order(request, ranked)
        # UNION ALL promises no order, so the page is put back in order in Python (_page_key).
        parts = [f"SELECT 'page', '', p.score, p.id FROM (SELECT b.id, b.score FROM b WHERE {where} "
                 f"ORDER BY {order} LIMIT %s OFFSET %s) p",
                 f"SELECT 'total', '', 0.0, COUNT(*) FROM b WHERE {where}"]
        params = where_params + order_params + [request.page_size, request.offset] + where_params
        for name in request.facets:
            if name in ("department", "category"):
                where, where_params = self._where(filters, skip=name)
                parts.append(f"SELECT '{name}', b.{name}, 0.0, COUNT(*) FROM b WHERE {where} GROUP BY b.{name}")
            elif name == "region":
                where, where_params = self._where(filters)
                parts.append(f"SELECT 'region', b.region_path, 0.0, COUNT(*) FROM b WHERE {where} "
                             "GROUP BY b.region_path")
            elif name == "service":
                where, where_params = self._where(filters, skip="service")
                if self.vendor == "postgresql":
                    # The names are on the entry row already: no join, no index probe per match.
                    parts.append("SELECT 'service', s.name, 0.0, COUNT(*) FROM b CROSS JOIN LATERAL "
                                 "unnest(string_to_array(b.services, '|')) AS s(name) "
                                 f"WHERE {where} GROUP BY s.name")
                else:
                    parts.append("SELECT 'service', s.name, 0.0, COUNT(*) FROM b JOIN search_searchservice s "
                                 f"ON s.entry_id = b.id WHERE {where} GROUP BY s.name")
            elif name == "section":
                where, where_params = self._where(filters, skip="section")
                parts.append("SELECT 'section', b.section, 0.0, COUNT(*) FROM b "
                             f"WHERE {where} GROUP BY b.section")
            else:
                continue
            params += where_params
        rows = self._run(ctes + " UNION ALL ".join(parts), cte_params + params)
        total = 0
        page = []
        grouped = {name: {} for name in request.facets}
        for name, value, score, count in rows:
            if name == "page":
                page.append((count, score))
            elif name == "total":
                total = count
            elif value:
                grouped[name][value] = grouped[name].get(value, 0) + count
        section_labels = {}
        if "section" in grouped and grouped["section"]:
            section_labels = dict(SearchEntry.objects.filter(section__in=list(grouped["section"]))
                                  .values_list("section", "section_label").distinct())
        facets = self._facets(request, grouped, section_labels, region_path)
        region_counts = {}
        for path, n in grouped.get("region", {}).items():
            for code in path.split("/"):
                if code:
                    region_counts[code] = region_counts.get(code, 0) + n

        hits, scores = [], {}
        if page:
            scores = {pk: score for pk, score in page} if ranked else {}
            shown = list(SearchEntry.objects.filter(id__in=[pk for pk, _ in page]).select_related("content")
                         .defer("content__title_words", "content__body_words", "content__grams"))
            shown.sort(key=self._page_key(request, ranked, scores))
            hits = [self._hit(entry, request, scores) for entry in shown]
        return SearchResult(request=request, hits=hits, total=total, facets=facets, backend=f"database/{self.vendor}",
                            region_counts=region_counts)

    def _order(self, request, ranked):
        """ORDER BY for the page, and its parameters."""
        title = self._title_order()
        if request.sort == "distance" and request.near:
            lat, lon = request.near
            k = math.cos(math.radians(lat))
            return ("CASE WHEN b.latitude IS NULL OR b.longitude IS NULL THEN 1 ELSE 0 END, "
                    "(b.latitude - %s) * (b.latitude - %s) + (b.longitude - %s) * (b.longitude - %s) * %s, "
                    f"{title}, b.id", [lat, lat, lon, lon, k * k])
        if request.sort == "date":
            return f"CASE WHEN b.date IS NULL THEN 1 ELSE 0 END, b.date DESC, {title}, b.id", []
        if request.sort == "relevance" and ranked:
            return f"b.score DESC, {title}, b.id", []
        if request.sort == "relevance" and request.terms:
            # A broad match (nearly every name holds the word): shorter, more specific titles first.
            return f"length(b.title), {title}, b.id", []
        return f"{title}, b.id", []

    @staticmethod
    def _page_key(request, ranked, scores):
        """The ORDER BY of _order as a Python sort key (code-point title order, as in SQL)."""
        if request.sort == "distance" and request.near:
            lat, lon = request.near
            k2 = math.cos(math.radians(lat)) ** 2

            def key(e):
                missing = e.latitude is None or e.longitude is None
                d = 0.0 if missing else (e.latitude - lat) ** 2 + (e.longitude - lon) ** 2 * k2
                return (missing, d, e.title, e.id)
        elif request.sort == "date":
            def key(e):
                return (e.date is None, -(e.date.toordinal() if e.date else 0), e.title, e.id)
        elif request.sort == "relevance" and ranked:
            def key(e):
                return (-scores.get(e.id, 0.0), e.title, e.id)
        elif request.sort == "relevance" and request.terms:
            def key(e):
                return (len(e.title), e.title, e.id)
        else:
            def key(e):
                return (e.title, e.id)
        return key

    @staticmethod
    def _facets(request, grouped, section_labels, region_path):
        facets = {}
        for name in request.facets:
            counts = grouped.get(name, {})
            if name == "section":
                selected = set(request.sections)
                facets[name] = [FacetValue(v, section_labels.get(v, v), n, v in selected)
                                for v, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
                continue
            if name == "region":
                # Paths → the codes one level below the chosen region (or the top level).
                depth = len([c for c in (region_path or "").split("/") if c])
                children = {}
                for path, n in counts.items():
                    codes = [c for c in path.split("/") if c]
                    if len(codes) > depth:
                        children[codes[depth]] = children.get(codes[depth], 0) + n
                counts = children
            facets[name] = facet_labels.facet_values(name, counts, request)
        return facets

    @staticmethod
    def _hit(entry, request, scores):
        terms = highlight_terms(request)
        distance = None
        if request.near and entry.latitude is not None and entry.longitude is not None:
            distance = round(distance_km(request.near[0], request.near[1], entry.latitude, entry.longitude), 2)
        text = getattr(getattr(entry, "content", None), "text", "")
        return Hit(
            kind=entry.kind, section=entry.section, section_label=entry.section_label, object_id=entry.object_id,
            title=entry.title, url=entry.url, title_html=mark(entry.title, terms),
            snippet_html=hit_snippet(text, entry.details, terms), score=scores.get(entry.id) if scores else None,
            date=entry.date, region_name=entry.region_name, distance_km=distance,
            latitude=entry.latitude, longitude=entry.longitude, details=entry.details or {},
        )
