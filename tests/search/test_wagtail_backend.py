"""Wagtail's own search (API v2, admin, choosers): any text a user types gives
results or none, never a database error (search/backends/wagtail_database.py)."""

import pytest
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import parse_query_string
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.backends.wagtail_database import clean_query

pytestmark = pytest.mark.django_db

HOSTILE = ['"', "'", '"><svg onload=alert(1)>', "\x00", "a\x00b", " ", "\t\n", "AND", "OR NOT", "*", "^", "NEAR(",
           '"a" -b', "title:x", "\\", "%", "x" * 5000, "康复😀", "[]", "{}", "'a' OR 'b", '"unclosed phrase']


@pytest.fixture
def pages(db):
    from tests.search.conftest import text_block_value
    from portal.pages.models import HomePage

    root = Page.get_first_root_node()
    page = root.add_child(instance=HomePage(title="有爱市集 社区康复", slug="wagtail-search-test",
                                            body=text_block_value("同伴支持")))
    page.save_revision().publish()
    return page


def test_hostile_text_never_breaks_wagtail_search(pages):
    backend = get_search_backend()
    for text in HOSTILE:
        for query in (text, parse_query_string(text)[1]):
            # Evaluated: the database sees each query (and its count).
            assert pages.page_ptr not in list(backend.search(query, Page)), text
            assert backend.autocomplete(query, Page).count() >= 0
            assert Page.objects.search(query).count() >= 0


def test_an_unknown_operator_is_the_default_not_an_error(pages):
    assert list(get_search_backend().search("有爱市集", Page, operator="xor")) == [pages.page_ptr]


def test_searches_still_find_pages(pages):
    backend = get_search_backend()
    assert pages.page_ptr in list(backend.search("有爱市集", Page))
    assert pages.page_ptr in list(backend.search(parse_query_string('"有爱市集" 社区康复')[1], Page))
    assert pages.page_ptr in list(backend.search('"有爱市集', Page))  # the stray quote is dropped


def test_clean_query_keeps_the_words_and_drops_what_is_left_empty():
    assert clean_query(' "a\x00b" ') == "a b"
    assert clean_query('"') is None and clean_query(" \x00 ") is None
    cleaned = clean_query(parse_query_string('hello "" "a phrase"')[1])
    assert [(type(q), q.query_string) for q in cleaned.subqueries] == [(PlainText, "hello"), (Phrase, "a phrase")]
