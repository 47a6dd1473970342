"""After an import, which writes rows in bulk (no save signals): the search index and the page cache follow."""

from portal.registry.models import Institution
from portal.registry.spreadsheets import service
from search.directory import search_institutions

from .conftest import build_annex1, row


def found(name_word, user):
    return {hit.title for hit in search_institutions(q=name_word, user=user).hits}


def test_imported_institutions_are_searchable(tmp_path, tiedong, superuser, django_capture_on_commit_callbacks):
    path = build_annex1(tmp_path / "a.xlsx", [row("铁东区晨曦康复驿站")])
    with django_capture_on_commit_callbacks(execute=True):
        service.apply_import("institutions", path, None, tiedong)
    assert "铁东区晨曦康复驿站" in found("晨曦", superuser)


def test_reimport_with_a_new_address_updates_the_index(tmp_path, tiedong, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("铁东区晨曦康复驿站")]), None, tiedong)
        service.apply_import("institutions", build_annex1(
            tmp_path / "b.xlsx", [row("铁东区晨曦康复驿站", address="鞍山市铁东区胜利路88号")]), None, tiedong)
    assert Institution.objects.get(name="铁东区晨曦康复驿站").address == "鞍山市铁东区胜利路88号"
    assert "铁东区晨曦康复驿站" in found("胜利路", superuser)


def test_a_large_import_is_indexed_by_a_background_task(tmp_path, tiedong, superuser, django_capture_on_commit_callbacks):
    rows = [row(f"铁东区晨曦康复驿站{i}号", seq=i) for i in range(1, 203)]
    with django_capture_on_commit_callbacks(execute=True):
        service.apply_import("institutions", build_annex1(tmp_path / "big.xlsx", rows), None, tiedong)
    # The test settings run tasks immediately; production hands them to db_worker.
    assert search_institutions(q="晨曦", user=superuser).total == 202


def test_an_import_refreshes_the_institution_pages_of_the_page_cache(tmp_path, tiedong):
    from portal.pages.cache import INSTITUTIONS, INSTITUTIONS_BULK, PAGES, generations

    before = generations([INSTITUTIONS, INSTITUTIONS_BULK, PAGES])
    service.apply_import("institutions", build_annex1(tmp_path / "a.xlsx", [row("铁东区晨曦康复驿站")]), None, tiedong)
    after = generations([INSTITUTIONS, INSTITUTIONS_BULK, PAGES])
    assert after[INSTITUTIONS] > before[INSTITUTIONS] and after[INSTITUTIONS_BULK] > before[INSTITUTIONS_BULK]
    # Policies, cases and the other pages stay cached.
    assert after[PAGES] == before[PAGES]
