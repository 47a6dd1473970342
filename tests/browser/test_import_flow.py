"""The admin import flow once, in headless Chromium: 导入 → upload → preview → 确认导入 → result."""

import pytest

from portal.registry.models import ImportRecord, Institution
from tests.browser.site_helpers import ensure_migrated_rows
from tests.conftest import PASSWORD
from tests.registry.spreadsheets.conftest import build_annex1, row


@pytest.fixture
def migrated_rows(live_server):
    # Another live-server test may have left the tables empty (see site_helpers).
    ensure_migrated_rows()


# live_server makes this test transactional; serialized_rollback brings back the
# rows migrations created, which later browser tests rely on (groups, root page).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_admin_imports_an_annex1_sheet(live_server, migrated_rows, page, county_admin, tmp_path):
    path = build_annex1(tmp_path / "铁东区附件1.xlsx", [row("浏览器导入康复站", clients=33)])

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "tiedong")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"{live_server.url}/admin/registry/institution/")
    page.click("[data-registry-import]")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-import-upload]")

    preview = page.locator("[data-import-preview]")
    preview.wait_for()
    assert "新增 1 条" in page.inner_text("[data-import-summary]")
    assert preview.locator("[data-row-status=new]").count() == 1
    assert not Institution.objects.filter(name="浏览器导入康复站").exists()

    page.click("[data-import-confirm]")
    page.locator("[data-import-result]").wait_for()
    assert "导入完成" in page.inner_text("[data-import-result]")
    assert Institution.objects.get(name="浏览器导入康复站").clients_count == 33
    assert ImportRecord.objects.get(user=county_admin).status == ImportRecord.Status.APPLIED
