"""After the upload, in headless Chromium: a refused sheet's error workbook and valid rows only,
a near-duplicate matched in the preview, the unpublished institutions published in bulk, and undo.

Set SCREENSHOT_DIR to keep a 1280 px and a 375 px screenshot of every page on the way.
"""

import os
from pathlib import Path

import pytest

from portal.registry.models import ImportRecord, Institution, Region
from tests.browser.site_helpers import ensure_migrated_rows
from tests.conftest import PASSWORD
from tests.registry.spreadsheets.conftest import build_annex1, row


@pytest.fixture
def migrated_rows(live_server):
    ensure_migrated_rows()


def shoot(page, tmp_path, name):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "tiedong")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def upload(page, live_server, path, *options):
    page.goto(f"{live_server.url}/admin/registry-spreadsheets/institutions/import/")
    page.set_input_files("input[name=file]", str(path))
    for option in options:
        page.check(f"input[name={option}]")
    page.click("[data-import-upload]")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clerk_recovers_from_errors_duplicates_and_a_wrong_import(live_server, migrated_rows, page, county_admin,
                                                                    tmp_path):
    tiedong = Region.objects.get(code="210302")
    existing = Institution.objects.create(name="铁东区阳光康复驿站", county=tiedong, owner_department="civil_affairs",
                                          category="community_rehab")
    no_mark = row("铁东区坏行驿站")
    no_mark[4] = None
    log_in(page, live_server)

    # 1. refused: the error workbook and "valid rows only"
    upload(page, live_server, build_annex1(tmp_path / "有错.xlsx", [row("铁东区新星驿站"), no_mark]))
    page.locator("[data-import-refused]").wait_for()
    shoot(page, tmp_path, "import-refused")
    with page.expect_download() as download:
        page.click("[data-import-refused] [data-error-workbook]")
    assert download.value.suggested_filename == "有错（错误标注）.xlsx"
    page.click("[data-import-valid-only]")
    page.locator("[data-import-result]").wait_for()
    assert "有错误的 1 行没有导入" in page.inner_text("[data-partial]")
    assert Institution.objects.filter(name="铁东区新星驿站").exists()

    # 2. a near-duplicate, matched to the existing institution
    upload(page, live_server, build_annex1(tmp_path / "重复.xlsx", [row("铁东区阳光精神康复驿站"), row("铁东区晨曦驿站")]))
    page.locator("[data-duplicates]").wait_for()
    shoot(page, tmp_path, "import-duplicates")
    page.check(f"input[name=match-5][value='{existing.pk}']")
    page.click("[data-import-confirm]")
    page.locator("[data-import-result]").wait_for()
    existing.refresh_from_db()
    assert existing.name == "铁东区阳光精神康复驿站"

    # 3. the new institution is not public yet: the link lists it, the bulk action publishes it
    assert "1</strong> 家尚未对外公开" in page.inner_html("[data-unpublished]")
    shoot(page, tmp_path, "import-result")
    page.click("[data-unpublished-link]")
    page.locator("[data-bulk-publish]").wait_for()
    shoot(page, tmp_path, "institutions-bulk-publish")
    page.check("[data-bulk-select-all]")
    page.click("[data-bulk-action=publish]")
    page.wait_for_load_state()
    assert Institution.objects.get(name="铁东区晨曦驿站").is_published

    # 4. the import turned out wrong: undo it from its history entry — refused, since it was published since
    record = ImportRecord.objects.filter(user=county_admin, file_name="重复.xlsx").get()
    page.goto(f"{live_server.url}/admin/registry/importrecord/inspect/{record.pk}/")
    shoot(page, tmp_path, "import-history-entry")
    page.click("[data-undo-link]")
    shoot(page, tmp_path, "undo-confirm")
    page.click("[data-undo-confirm]")
    page.locator("[data-undo-refused]").wait_for()
    assert "铁东区晨曦驿站" in page.inner_text("[data-undo-refused]")
    shoot(page, tmp_path, "undo-refused")
    assert Institution.objects.filter(name="铁东区晨曦驿站").exists()
