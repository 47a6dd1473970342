"""Wagtail's own search backend (WAGTAILSEARCH_BACKENDS: the API v2 ``search``
parameter, the admin's page search, choosers and listings): Wagtail's
database backend with whatever the user typed made harmless first.

modelsearch puts each term between double quotes in the SQLite FTS5 MATCH
text without escaping a quote inside it ("unterminated string"), builds no
query from text that is only spaces, and PostgreSQL refuses a NUL character
in any string: each was a 500. Quotes and control characters are never part
of a word to either tokenizer, so they are replaced by spaces, for every
caller, in the one method every search goes through.
"""

import copy
import re
from functools import cache

from modelsearch.backends.database import SearchBackend as vendor_search_backend
from modelsearch.query import And, Boost, Fuzzy, Not, Or, Phrase, PlainText

_UNSAFE = re.compile(r'["\x00-\x1f\x7f-\x9f]')
MAX_QUERY_CHARS = 200


def clean_text(text):
    return _UNSAFE.sub(" ", str(text))[:MAX_QUERY_CHARS].strip()


def clean_query(query):
    """The query with its text cleaned; None when no text is left in it."""
    if isinstance(query, str):
        return clean_text(query) or None
    if isinstance(query, (PlainText, Phrase, Fuzzy)):
        text = clean_text(query.query_string)
        if not text:
            return None
        cleaned = copy.copy(query)
        cleaned.query_string = text
        return cleaned
    if isinstance(query, (And, Or)):
        subqueries = [q for q in map(clean_query, query.subqueries) if q is not None]
        return type(query)(subqueries) if subqueries else None
    if isinstance(query, (Not, Boost)):
        subquery = clean_query(query.subquery)
        if subquery is None:
            return None
        cleaned = copy.copy(query)
        cleaned.subquery = subquery
        return cleaned
    return query  # MatchAll and anything without text


class SafeQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        # search() and autocomplete() both come here.
        operator = kwargs.get("operator")
        if operator is not None and str(operator).lower() not in PlainText.OPERATORS:
            kwargs["operator"] = None  # the default, rather than a ValueError
        return super()._search(query_compiler_class, clean_query(query) or "", model_or_queryset, **kwargs)


@cache
def _safe_class(backend_class):
    return type(f"Safe{backend_class.__name__}", (SafeQueryMixin, backend_class), {})


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks for in a backend module
    # modelsearch picks the class by database vendor (SQLite FTS5, PostgreSQL, …);
    # the same object, with the cleaning in front.
    backend = vendor_search_backend(params)
    backend.__class__ = _safe_class(type(backend))
    return backend
