"""The public site in headless Chromium: home, directory filtering, 长者模式,
a supervision message seen in the admin inbox."""

import re

from playwright.sync_api import expect

from .site_helpers import demo_site, site_db  # noqa: F401  (fixture)

pytestmark = site_db


def test_home_page_is_keyboard_operable(page, demo_site):
    base, _ = demo_site
    page.goto(base + "/")
    expect(page.locator("h1")).to_have_text("精康融合行动服务平台")
    expect(page.locator(".tiles .tile")).to_have_count(8)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # Every tile is reachable with the keyboard and has a visible focus ring.
    tile = page.locator(".tiles .tile").first
    tile.focus()
    outline = tile.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"


def test_directory_filters_by_region_and_opens_a_detail_page(page, demo_site):
    base, _ = demo_site
    page.goto(base + "/jigou/")
    total = int(re.search(r"共找到 (\d+) 家", page.locator(".result-count").inner_text())[1])
    page.select_option("#id_region", value="210302")  # its label carries the count, "　铁东区（4）"
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"region=210302"))
    filtered = int(re.search(r"共找到 (\d+) 家", page.locator(".result-count").inner_text())[1])
    assert 0 < filtered < total
    assert page.locator("#id_region option[value='210302']").inner_text().endswith(f"（{filtered}）")
    names = page.locator(".card h2 a").all_inner_texts()
    assert names and all("铁东区" in n or "鞍山市" in n for n in names)
    page.locator(".card h2 a").first.click()
    expect(page.locator("h1")).to_have_text(names[0])
    expect(page.get_by_role("heading", name="服务项目")).to_be_visible()


def test_elder_mode_is_toggled_and_kept_across_pages(page, demo_site):
    base, _ = demo_site
    page.goto(base + "/zhengce/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    with page.expect_navigation():
        page.get_by_role("link", name="长者模式").click()
    elder = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elder >= 18 and elder > normal
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="机构查询").click()
    page.wait_for_url(re.compile(r"/jigou/$"))
    assert page.evaluate("document.body.classList.contains('elder')")
    button = page.get_by_role("button", name="查询")
    assert button.bounding_box()["height"] >= 44
    with page.expect_navigation():
        page.get_by_role("link", name="退出长者模式").click()
    assert not page.evaluate("document.body.classList.contains('elder')")


def test_a_supervision_message_reaches_the_admin_inbox(page, demo_site, django_user_model):
    base, _ = demo_site
    page.goto(base + "/jiandu/")
    page.select_option("#id_region", label="　铁东区")
    page.fill("#id_concerns", "浏览器测试康复驿站")
    page.fill("#id_content", "开放时间与公示不一致。")
    page.fill("#id_contact_phone", "13800138000")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r"/jiandu/thanks/"))
    reference = page.locator(".reference").inner_text()
    assert reference.startswith("JK")

    django_user_model.objects.create_superuser("inbox-admin", password="test-password-123")
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", "inbox-admin")
    page.fill("input[name=password]", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    page.goto(base + "/admin/supervision/supervisionmessage/")
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text("浏览器测试康复驿站")
    expect(row).to_contain_text("已受理")
