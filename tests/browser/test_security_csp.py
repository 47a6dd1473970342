"""The Wagtail admin works under the Content Security Policy (no violations)."""

import pytest
from django.core.cache import cache
from wagtail.models import Collection, Page

from tests.browser.site_helpers import ensure_migrated_rows

# serialized_rollback: the rows migrations created (root page, vocabularies) come back for later tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/registry/institution/",
    "/admin/reports/audit/",
    "/admin/reports/site-history/",
    "/admin/login_lockouts/",
]


def a_page_to_edit():
    # Other live-server tests may have emptied what migrations created.
    ensure_migrated_rows()
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    return root.get_children().first() or root.add_child(instance=Page(title="内容安全策略测试页", slug="csp-test"))


def test_admin_pages_raise_no_csp_violations(page, live_server, django_user_model):
    cache.clear()
    editable = a_page_to_edit()
    django_user_model.objects.create_superuser("csp-admin", password="test-password-123")
    violations = []
    page.on("console", lambda msg: violations.append((page.url, msg.text[:160])) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "csp-admin")
    page.fill("input[name=password]", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    for url in ADMIN_PAGES:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("networkidle")
    # A page editor: the richest admin screen (Draftail, preview panel, choosers).
    response = page.goto(f"{live_server.url}/admin/pages/{editable.pk}/edit/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert violations == []
