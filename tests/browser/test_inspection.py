"""网站自查 in Chromium: the public 网站地图 and 纠错 pages pass axe at 1280 and
375 px, a visitor reports an error, and the editor's accessibility checker runs
under the admin's Content Security Policy with our rules."""

import pytest

from .site_helpers import demo_site, run_axe, site_db  # noqa: F401  (fixture)

pytestmark = site_db


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1280, 375])
def test_site_map_and_error_report_pages_pass_axe(browser, demo_site, width):
    base, home = demo_site
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        failures = {}
        for url in ["/wangzhanditu/", "/jiucuo/?page=/zhengce/", "/jiucuo/thanks/?ref=JK20260101-ABC123"]:
            response = tab.goto(base + url)
            assert response.status == 200, url
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
            found = serious(run_axe(tab))
            if found:
                failures[url] = found
        assert failures == {}
    finally:
        context.close()


def test_a_visitor_reports_an_error_from_the_footer(page, demo_site):
    from portal.supervision.models import MessageType, SupervisionMessage

    base, home = demo_site
    page.goto(base + "/zhengce/")
    page.click("text=我要纠错")
    assert page.locator("text=您要纠错的页面：").is_visible()
    page.select_option("select[name=kind]", "错别字或表述错误")
    page.fill("textarea[name=content]", "列表中第二个文件的标题有错字。")
    page.click("button:has-text('提交纠错')")
    page.wait_for_url("**/jiucuo/thanks/**")
    message = SupervisionMessage.objects.get(message_type=MessageType.ERROR_REPORT)
    assert message.reference in page.inner_text("main")
    assert message.concerns == "网页纠错：政策文件"


def test_the_editors_accessibility_checker_runs_under_the_admin_csp(page, demo_site, django_user_model):
    from portal.pages.models import StandardPage

    base, home = demo_site
    # A 四级标题 straight under the page title: the checker's 标题层级跳级.
    article = home.add_child(instance=StandardPage(title="无障碍检查测试页", slug="a11y-check",
                                                   body=[("heading", {"text": "小标题", "level": "h4"})]))
    django_user_model.objects.create_superuser("a11y-admin", password="test-password-123")
    violations = []
    page.on("console", lambda msg: violations.append(msg.text[:160]) if "Content Security Policy" in msg.text else None)
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "a11y-admin")
    page.fill("input[name=password]", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    # The 检查 panel runs axe-core on the preview, which the admin frames.
    page.click("[data-side-panel-toggle='checks']")
    issue = page.locator("[data-checks-panel] [data-content-checker-name]", has_text="标题层级跳级")
    issue.first.wait_for(timeout=30_000)
    assert "不要跳过层级" in page.inner_text("[data-checks-panel]")
    assert violations == []
