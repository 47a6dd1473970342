"""axe-core (from the npm registry, served from node_modules) on every page type:
no serious or critical WCAG 2.1 A/AA violation, in normal and 长者模式."""

from .site_helpers import demo_site, page_type_urls, run_axe, site_db  # noqa: F401  (fixture)

pytestmark = site_db


def axe_urls(home):
    from portal.prices.models import PriceItem

    urls = page_type_urls(home) + ["/jiandu/thanks/?ref=JK20260101-ABC123", "/jigou/?region=210302", "/no-such-page/"]
    assert PriceItem.objects.exists()
    return urls


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_every_page_type_passes_axe(page, demo_site):
    base, home = demo_site
    failures = {}
    urls = axe_urls(home)
    assert len(urls) >= 19
    for url in urls:
        page.goto(base + url)
        found = serious(run_axe(page))
        if found:
            failures[url] = found
    assert failures == {}, "\n".join(f"{u}: {v}" for u, v in failures.items())


def test_elder_mode_and_a_phone_screen_pass_axe(browser, demo_site):
    base, home = demo_site
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    try:
        tab = context.new_page()
        tab.goto(base + "/elder-mode/?on=1&next=/")
        failures = {}
        for url in ["/", "/jigou/", "/jiandu/", "/jinzhan/", "/lianxi/"]:
            tab.goto(base + url)
            assert tab.evaluate("document.documentElement.classList.contains('elder')")
            # Nothing wider than the screen (no sideways scrolling of the page itself).
            assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
            found = serious(run_axe(tab))
            if found:
                failures[url] = found
        assert failures == {}, "\n".join(f"{u}: {v}" for u, v in failures.items())
    finally:
        context.close()
