"""CSP and security headers on public and admin pages, over HTTP."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The public site's templates (the registries' templates are admin screens).
PUBLIC_TEMPLATES = [
    "portal/templates/**/*.html", "portal/pages/templates/**/*.html", "portal/supervision/templates/**/*.html",
    "portal/prices/templates/**/*.html", "portal/ops/templates/**/*.html", "search/templates/**/*.html",
]
KEYWORD_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    directives = policy(response)
    # No third-party origin anywhere in the policy.
    for name, sources in directives.items():
        for source in sources:
            assert source in KEYWORD_SOURCES, f"{name} allows {source}"
    assert directives["object-src"] == ["'none'"]
    return directives


def assert_no_inline_code(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\sstyle=\"", html), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"


@pytest.mark.parametrize("url", ["/", "/no-such-page/"])
def test_public_pages_have_a_strict_policy_and_no_inline_code(client, url):
    response = client.get(url)
    directives = assert_common_headers(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert_no_inline_code(response.content.decode())


def test_admin_login_and_dashboard_get_the_admin_policy(client, superuser):
    login = client.get("/admin/login/")
    assert login.status_code == 200
    directives = assert_common_headers(login)
    assert directives["frame-ancestors"] == ["'self'"]
    client.force_login(superuser)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    directives = assert_common_headers(dashboard)
    assert "'self'" in directives["script-src"]


def test_project_templates_carry_no_inline_scripts_or_styles():
    """Every public template of the project: code lives in static files."""
    offenders = []
    templates = [p for pattern in PUBLIC_TEMPLATES for p in ROOT.glob(pattern)]
    assert len(templates) > 10
    for template in templates:
        text = template.read_text(encoding="utf-8")
        # Admin screens live under the admin's own (relaxed) policy.
        if "admin" in template.parts or re.search(r"{%\s*extends\s+[\"'](wagtailadmin|modeladmin|wagtail_modeladmin)/", text):
            continue
        try:
            assert_no_inline_code(text)
        except AssertionError as problem:
            offenders.append(f"{template.relative_to(ROOT)}: {problem}")
    assert offenders == []
