"""Every public page type on a phone (375 px), on a desktop (1280 px) and in 长者模式
on a phone: no sideways scrolling, no table column so narrow that its text
wraps a character or two per line. A screenshot of each page is saved under
test-artifacts/screens/ (git-ignored) for a person to look at."""

from pathlib import Path

from .site_helpers import demo_site, page_type_urls, site_db  # noqa: F401  (fixture)

pytestmark = site_db

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
VIEWS = [("phone", 375, False), ("desktop", 1280, False), ("phone-elder", 375, True)]
MIN_CELL_CHARS = 3  # a cell narrower than this many characters may not wrap its text

# The page itself wider than the window, and table cells whose content box is
# under MIN_CELL_CHARS characters wide while their text runs over more than one line.
MEASURE = """(minChars) => {
    const root = document.documentElement;
    const narrow = [];
    for (const cell of document.querySelectorAll('td, th')) {
        const style = getComputedStyle(cell);
        if (style.display === 'none' || !cell.textContent.trim()) continue;
        const font = parseFloat(style.fontSize);
        const lineHeight = parseFloat(style.lineHeight) || font * 1.5;
        const width = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        // The text's own height (a cell is as tall as its row).
        const range = document.createRange();
        range.selectNodeContents(cell);
        const height = range.getBoundingClientRect().height;
        if (width < minChars * font && height > lineHeight * 1.5) {
            narrow.push(`${cell.textContent.trim().slice(0, 12)} (${Math.round(width)}px)`);
        }
    }
    return {overflow: root.scrollWidth > root.clientWidth ? root.scrollWidth : 0, narrow: narrow.slice(0, 5)};
}"""


def public_urls(home):
    """One live page of each specific type in the demo, and the routed pages."""
    return page_type_urls(home) + [
        "/jigou/?region=210302", "/jiandu/chaxun/", "/jiandu/thanks/?ref=JK20260101-ABC123", "/wangzhanditu/",
        "/jiucuo/?page=/zhengce/", "/zhengce/policy-4/", "/search/?q=康复"]


def screen_name(url, view):
    path, _, query = url.partition("?")
    slug = path.strip("/").replace("/", "_") or "home"
    if query:
        slug += "_" + query.split("=")[0]
    return f"{slug}-{view}.png"


def test_every_page_type_fits_a_phone_and_a_desktop(browser, demo_site):
    base, home = demo_site
    urls = public_urls(home)
    assert len(urls) >= 20 and "/lianxi/" in urls and "/zhengce/" in urls
    SCREENS.mkdir(parents=True, exist_ok=True)
    failures = []
    for view, width, elder in VIEWS:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
        try:
            tab = context.new_page()
            if elder:
                tab.goto(base + "/elder-mode/?on=1&next=/")
            for url in urls:
                tab.goto(base + url)
                assert tab.evaluate("document.documentElement.classList.contains('elder')") == elder
                found = tab.evaluate(MEASURE, MIN_CELL_CHARS)
                tab.screenshot(path=str(SCREENS / screen_name(url, view)), full_page=True)
                if found["overflow"]:
                    failures.append(f"{view} {url}: page is {found['overflow']}px wide (window {width}px)")
                if found["narrow"]:
                    failures.append(f"{view} {url}: columns narrower than {MIN_CELL_CHARS} characters: {found['narrow']}")
        finally:
            context.close()
    assert failures == [], "\n".join(failures)
    assert len(list(SCREENS.glob("*.png"))) >= len(urls) * len(VIEWS)


def test_tables_are_stacked_rows_on_a_phone(browser, demo_site):
    base, _ = demo_site
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(base + "/lianxi/")
        task = tab.locator("table.tasks tbody tr:not(.group-row)").first
        assert task.evaluate("row => getComputedStyle(row).display") == "block"
        deadline = task.locator("td[data-label='时间节点']")
        label = deadline.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"时间节点"'
        # The cell spans the card, not a sliver of a six-column row.
        assert deadline.bounding_box()["width"] > 300
        assert "逾期" not in tab.locator("main").inner_text()
    finally:
        context.close()


def test_desktop_tables_use_the_width_and_keep_short_values_on_one_line(page, demo_site):
    base, _ = demo_site
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/zhengce/")
    cells = page.locator("td[data-label='状态'], td[data-label='成文日期']").all()
    assert len(cells) >= 10
    for cell in cells:
        height = cell.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c);"
                               " return r.getBoundingClientRect().height; }")
        line = cell.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)")
        assert height < line * 1.5, cell.inner_text()
    page.goto(base + "/jiage/")
    page.locator("table a").first.click()
    table = page.locator("table.price-table")
    # The price board is not capped at a reading width: it uses the page's width.
    assert table.bounding_box()["width"] > 1000
    page.goto(base + "/zhengce/policy-4/")
    signature = page.locator(".doc-signature")
    assert signature.evaluate("el => getComputedStyle(el).textAlign") == "right"
