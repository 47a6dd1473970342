"""What is indexed (search.items) is separate from where it is stored (search.stores)."""

import ast
from pathlib import Path
from unittest import mock

import pytest

from search import indexing
from search.models import EntryKind, SearchEntry
from search.stores import Store, active_stores
from search.stores.database import DatabaseStore
from search.stores.elastic import ElasticsearchStore

SEARCH = Path(__file__).resolve().parents[2] / "search"


def test_both_stores_have_the_one_interface():
    for store in (DatabaseStore(), ElasticsearchStore()):
        assert isinstance(store, Store)
    assert DatabaseStore.required and not ElasticsearchStore.required


def imports_of(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_items_know_nothing_of_stores_and_no_store_imports_indexing():
    assert not any("stores" in name or "indexing" in name for name in imports_of(SEARCH / "items.py"))
    for path in (SEARCH / "stores").glob("*.py"):
        assert not any("indexing" in name for name in imports_of(path)), path
    assert "getattr(" not in (SEARCH / "indexing.py").read_text(encoding="utf-8")
    assert not (SEARCH / "documents.py").exists()


def test_stores_in_use_follow_the_settings(settings):
    settings.ELASTICSEARCH_URL = ""
    assert [s.name for s in active_stores()] == ["database"]
    settings.ELASTICSEARCH_URL = "http://es.invalid:9200"
    assert [s.name for s in active_stores()] == ["database", "elasticsearch"]


@pytest.mark.django_db
def test_a_failing_optional_store_does_not_lose_the_database_save(settings, regions, caplog):
    from portal.registry.models import Institution

    settings.ELASTICSEARCH_URL = "http://es.invalid:9200"
    inst = Institution.objects.create(name="铁东区康复驿站", county=regions["210302"], owner_department="civil_affairs",
                                      category="community_rehab", is_published=True)
    with mock.patch.object(ElasticsearchStore, "save", side_effect=ConnectionError("down")) as save:
        indexing.index_institutions([inst.pk])
    assert save.called
    assert SearchEntry.objects.filter(kind=EntryKind.INSTITUTION, object_id=inst.pk).exists()
    assert "Search store elasticsearch: update failed" in caplog.text
    with mock.patch.object(DatabaseStore, "save", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            indexing.index_institutions([inst.pk])


@pytest.mark.django_db
def test_deleting_by_kind_leaves_other_kinds_with_the_same_id(settings, regions):
    from portal.registry.models import Institution

    settings.ELASTICSEARCH_URL = ""
    inst = Institution.objects.create(name="铁东区康复驿站", county=regions["210302"], owner_department="civil_affairs",
                                      category="community_rehab", is_published=True)
    indexing.index_institutions([inst.pk])
    DatabaseStore().delete(EntryKind.PAGE, [inst.pk])
    assert SearchEntry.objects.filter(kind=EntryKind.INSTITUTION, object_id=inst.pk).exists()
    DatabaseStore().delete(EntryKind.INSTITUTION, [inst.pk])
    assert not SearchEntry.objects.filter(object_id=inst.pk).exists()
