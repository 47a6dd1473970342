"""The reporting cycle once in headless Chromium: the county uploads and submits,
the city returns it from the board with a row note, the county sees the note."""

import pytest

from portal.registry.groups import CITY_ADMINS
from portal.reporting.models import ReportingRound, SubmissionStatus
from tests.browser.site_helpers import ensure_migrated_rows
from tests.conftest import PASSWORD
from tests.registry.spreadsheets.conftest import build_annex1, row


@pytest.fixture
def migrated_rows(live_server):
    # Another live-server test may have left the tables empty (see site_helpers).
    ensure_migrated_rows()


@pytest.fixture
def cycle(migrated_rows, county_admin, make_staff):
    from portal.reporting.demo import load_rounds

    load_rounds()
    city = make_staff("anshan", CITY_ADMINS, "210300")
    reporting_round = ReportingRound.objects.get(region__code="210300", year=2026, half="H2")
    return reporting_round, county_admin, city


def log_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_county_submits_by_upload_and_city_returns_with_a_row_note(live_server, migrated_rows, cycle, browser, tmp_path):
    reporting_round, county, city = cycle
    own = reporting_round.submissions.get(region__code="210302")
    violations = []

    county_page = browser.new_context(locale="zh-CN").new_page()
    county_page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(county_page, live_server.url, "tiedong")
    # The admin home says what is owed, and links to it.
    assert "您有 1 个待报送的填报任务" in county_page.inner_text("[data-owing]")
    county_page.click(f"a[href='/admin/reporting-cycle/submissions/{own.pk}/']")
    county_page.set_input_files("input[name=file]", str(build_annex1(tmp_path / "铁东区.xlsx", [row("浏览器报送驿站", clients=21)])))
    county_page.click("[data-upload-form] button[type=submit]")
    assert "新增 1 条" in county_page.inner_text("[data-preview=ok]")
    assert county_page.is_checked("[data-source-upload]")
    county_page.click("[data-submit]")
    county_page.wait_for_url(f"**/submissions/{own.pk}/")
    assert county_page.inner_text("[data-status-label]") == "已报送（待审核）"

    city_page = browser.new_context(locale="zh-CN").new_page()
    city_page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(city_page, live_server.url, "anshan")
    city_page.goto(f"{live_server.url}/admin/reporting-cycle/rounds/{reporting_round.pk}/board/")
    city_page.click("tr[data-region='210302'] a")
    city_page.check("input[name=decision][value=return]")
    city_page.fill("textarea[name=reason]", "请核实浏览器报送驿站的患者人数")
    row_id = own.institutions.get(name="浏览器报送驿站").pk
    city_page.fill(f"#note-{row_id}", "患者人数偏少")
    city_page.click("[data-review]")
    city_page.wait_for_url(f"**/rounds/{reporting_round.pk}/board/")
    assert "已退回" in city_page.inner_text("tr[data-region='210302']")

    county_page.reload()
    assert "请核实浏览器报送驿站的患者人数" in county_page.inner_text("[data-return-reason]")
    assert "患者人数偏少" in county_page.inner_text("[data-row-note]")
    own.refresh_from_db()
    assert own.status == SubmissionStatus.RETURNED
    assert violations == []
