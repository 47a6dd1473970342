"""Shared by the public-site browser tests: the demo site in the live-server database."""

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The live server truncates tables between tests; restoring the migrated rows
# (Wagtail's root page and locale) gives every test the same starting point.
site_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def ensure_migrated_rows():
    """Put back what data migrations create, in case another live-server test
    emptied the tables without restoring them (idempotent)."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from wagtail.models import Locale, Page

    importlib.import_module("portal.registry.migrations.0002_vocabularies").forwards(apps, None)
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@pytest.fixture
def demo_site(live_server):
    from django.core.cache import cache

    from portal.pages.demo import load_site
    from portal.registry import demo
    from portal.reporting.demo import load_rounds

    cache.clear()
    ensure_migrated_rows()
    demo.load_all()
    load_rounds()
    from search import indexing

    home = load_site()
    indexing.rebuild_database_index()  # as `load_demo` does: the directory reads the search index
    return live_server.url, home


def page_type_urls(home):
    """One live page of each specific page type under ``home``, plus a published
    institution's detail page and its price board (the routed pages)."""
    from wagtail.models import Page

    from portal.registry.models import Institution

    urls, seen = [], set()
    for page in Page.objects.live().descendant_of(home, inclusive=True).specific().order_by("path"):
        if type(page) not in seen:
            seen.add(type(page))
            urls.append(page.url)
    institution = Institution.objects.published().filter(price_items__isnull=False).first()
    return urls + [f"/jigou/{institution.pk}/", f"/jiage/{institution.pk}/"]


def run_axe(page):
    """Run axe-core (served from node_modules, never a CDN) on the current page."""
    if not AXE.exists():
        pytest.fail(f"没有找到 axe-core（{AXE}）：请运行 make install（它会执行 npm ci）。")
    # Evaluated through the DevTools protocol, so the page's CSP (no inline
    # scripts) stays switched on while axe runs.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
