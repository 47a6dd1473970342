"""The /search/ page in headless Chromium: its layout at desktop and phone widths, and in print.

The page once shared the header search box's class (.site-search, a flex row),
so its heading stood one character per line, results were squeezed into
columns, a phone page was 807 px wide and the print rule hid everything.
"""

import pytest
from playwright.sync_api import expect

from .site_helpers import demo_site, run_axe, site_db  # noqa: F401  (fixture)

pytestmark = site_db


@pytest.fixture
def indexed_site(demo_site):
    from search import indexing

    indexing.rebuild_database_index()
    return demo_site


def no_horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_search_page_layout(page, indexed_site, width):
    base, _ = indexed_site
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/search/?q=康复")
    heading = page.locator("h1", has_text="全站搜索")
    expect(heading).to_be_visible()
    # One line: its height is about one line of its own font size, not one per character.
    box = heading.bounding_box()
    line = heading.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert box["height"] < line * 1.5, (box, line)
    assert box["width"] > 4 * line
    results = page.locator(".search-page__results")
    expect(results).to_be_visible()
    # A wide column: most of a phone screen, a comfortable reading width on a desktop.
    assert results.bounding_box()["width"] >= min(600, width - 60)
    # Hits stack one under another, the title above its snippet.
    hits = page.locator(".search-page__hit")
    assert hits.count() >= 2
    first, second = hits.nth(0).bounding_box(), hits.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1
    assert first["width"] >= 0.8 * results.bounding_box()["width"]
    assert page.locator(".search-page__hit mark").count() >= 1
    assert no_horizontal_overflow(page), page.evaluate("document.documentElement.scrollWidth")


def test_search_page_prints_its_results(page, indexed_site):
    base, _ = indexed_site
    page.goto(base + "/search/?q=康复")
    page.emulate_media(media="print")
    expect(page.locator("main")).to_be_visible()
    expect(page.locator("h1", has_text="全站搜索")).to_be_visible()
    expect(page.locator(".search-page__hit").first).to_be_visible()
    # The header's search box is still hidden in print; the page's own form too.
    expect(page.locator("header .site-search")).to_be_hidden()
    expect(page.locator(".search-page__form")).to_be_hidden()


def test_search_page_is_accessible(page, indexed_site):
    base, _ = indexed_site
    page.goto(base + "/search/?q=明码标价")
    expect(page.locator(".search-page__hit").first).to_be_visible()
    assert run_axe(page) == []
