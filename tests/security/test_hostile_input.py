"""Hostile query strings never make the portal answer 5xx.

The URLs are generated, not listed: the URL resolver is walked for every
public pattern (those with arguments are filled from the demo data, or named
below with the reason they cannot be), every live page of the demo site and
its routable sub-pages are visited, and the admin's listing, search and
chooser views are visited signed in as a superuser. Each gets a corpus of
hostile values on the usual parameter names and on the parameters the view
itself declares (its form fields, the Wagtail API's known parameters, the
directory API's OpenAPI parameters), hostile keys, and repeated keys.
"""

import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import Page, Site, get_page_models

VALUES = [
    '"', "'", "AND", "OR", "NOT", "*", "^", "NEAR(", '"a" -b', "a OR", "title:x", "\\", "%", "\x00", " ",
    '"><svg onload=alert(1)>', "99999999999999999999", "-1", "0", "1e999", "x" * 5000, "康复😀🧠", "[]", "{}",
]
# Already percent-encoded, the invalid UTF-8 ones as a client would send them.
HOSTILE = [quote(value, safe="") for value in VALUES] + ["%ff%fe", "%C0%AF", "%ED%A0%80"]
# The shorter corpus for one parameter at a time and for the admin: one value of each kind.
SHORT = [quote(value, safe="") for value in ('"', "'", "\x00", " ", '"a" -b NEAR(', '"><svg onload=alert(1)>',
                                             "99999999999999999999", "-1", "x" * 5000, "康复😀", "[]")] + ["%ff%fe"]

COMMON_PARAMS = [
    "q", "search", "page", "p", "offset", "limit", "region", "category", "service", "year", "section",
    "date_from", "date_to", "order", "ordering", "fields", "type", "kind", "tag", "status", "ref", "next", "on",
]

# Public patterns with arguments that the demo data cannot fill, and why.
NOT_FILLED = {
    "wagtaildocs_authenticate_with_password": "needs a password-protected collection (POST form); the demo has none",
    "wagtailcore_authenticate_with_password": "needs a password-protected page (POST form); the demo has none",
}
# Public patterns with arguments, filled from the demo data (see fill_argument_patterns).
FILLED = {
    "wagtaildocs_serve", "wagtailapi:pages:detail", "wagtailapi:images:detail", "wagtailapi:documents:detail",
    "directory_api:get_institution",
}
PAGES_PATTERN = "wagtail_serve"  # every live page of the demo site (test_live_pages_…)

# Admin views (no arguments) that list, search or choose: their names.
ADMIN_NAME = re.compile(r"(^|[_:])(index|listing|list|search|choose|choose_page|find|[a-z_]*results|explore_root|"
                        r"tag_autocomplete|site_history|aging_pages|locked_pages|audit_report|workflow)$")
ADMIN_PARAMS = ["q", "search", "p", "page", "offset", "limit", "ordering", "order", "fields", "type", "collection_id",
                "locale", "content_type"]


def walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk(pattern, route, inner)
        else:
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
            yield route, name, pattern


def takes_arguments(route):
    return "<" in route or "(" in route


ALL_PATTERNS = list(walk(get_resolver()))
PUBLIC = [(route, name) for route, name, _ in ALL_PATTERNS if not route.startswith("admin/")]
PUBLIC_STATIC = sorted(route.replace("^", "").replace("$", "") for route, _ in PUBLIC if not takes_arguments(route))
ADMIN_ALL = {
    route.replace("^", "").replace("$", "") for route, name, _ in ALL_PATTERNS
    if route.startswith("admin/") and not takes_arguments(route) and name and ADMIN_NAME.search(name)
}
# A listing's "results/" view runs the same query without the page around it: visiting it is enough.
ADMIN = sorted(route for route in ADMIN_ALL if f"{route}results/" not in ADMIN_ALL)
PAGE_TYPES = sorted(m.__name__ for m in get_page_models() if m._meta.app_label == "pages")


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo data and site, once for the module, rolled back at its end."""
    from django.contrib.auth import get_user_model
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    from portal.pages.demo import load_site
    from portal.registry import demo
    from search import indexing
    from tests.security.test_uploads import PDF, png_bytes

    with django_db_blocker.unblock(), override_settings(PAGE_CACHE_ENABLED=False):
        with transaction.atomic():
            demo.load_all()
            load_site()
            Document.objects.create(title="实施方案", file=ContentFile(PDF, name="plan.pdf"))
            Image.objects.create(title="标识", file=ContentFile(png_bytes(), name="logo.png"))
            indexing.rebuild_database_index()
            get_user_model().objects.create_superuser("hostile-root", password="x-unused-password-1")
            yield
            transaction.set_rollback(True)


@pytest.fixture
def anonymous(demo_site, db):
    return Client(raise_request_exception=False)


@pytest.fixture
def superuser_client(demo_site, db):
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="hostile-root"))
    return client


FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S)
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')


def declared_params(client, url):
    """The parameters the view declares: the fields of its own GET forms (not the
    site search box in the header, which goes to /search/) and, for the Wagtail
    API, its known query parameters; for the directory API, its OpenAPI ones."""
    names = set()
    match = get_resolver().resolve(url.split("?")[0])
    view_class = getattr(match.func, "cls", None)
    names |= set(getattr(view_class, "known_query_parameters", ()))
    if url.startswith("/api/directory/"):
        schema = client.get("/api/directory/openapi.json").json()
        for path, operations in schema["paths"].items():
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url):
                names |= {p["name"] for op in operations.values() for p in op.get("parameters", ()) if p["in"] == "query"}
    response = client.get(url)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        for attributes, body in FORM.findall(response.content.decode()):
            action = re.search(r'\baction="([^"]*)"', attributes)
            method = re.search(r'\bmethod="([^"]*)"', attributes)
            posts = method is not None and method.group(1).lower() == "post"  # fields never read from the query
            if not posts and (action is None or action.group(1) in ("", url)):
                names |= set(FIELD_NAME.findall(body))
    return sorted(names - {"csrfmiddlewaretoken", "_", "format"})


def hostile_queries(params, declared, corpus):
    for value in corpus:
        yield "&".join(f"{name}={value}" for name in params)  # every parameter at once
    for name in declared:  # and each declared one alone, so no other parameter's 400 hides it
        for value in SHORT:
            yield f"{name}={value}"
    yield "&".join(f"{value}=1" for value in HOSTILE)  # hostile keys
    yield "&".join(f"{name}[]=1&{name}=1&{name}=2" for name in params)  # bracketed and repeated keys


def server_errors(client, url, params=COMMON_PARAMS, declared=True, corpus=HOSTILE):
    declared = declared_params(client, url) if declared else []
    failures = []
    for query in hostile_queries(params, declared, corpus):
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500:
            error = response.exc_info[1] if getattr(response, "exc_info", None) else ""
            failures.append(f"{response.status_code} {url}?{query[:120]} {type(error).__name__}: {str(error)[:160]}")
    return failures


def test_every_public_pattern_with_arguments_is_visited_or_excused():
    with_arguments = {name for route, name in PUBLIC if takes_arguments(route)}
    assert with_arguments == FILLED | set(NOT_FILLED) | {PAGES_PATTERN}


def test_the_walk_finds_the_public_endpoints_and_admin_search_views():
    assert {"api/v2/pages/", "api/directory/institutions", "search/", "elder-mode/"} <= set(PUBLIC_STATIC)
    assert {"admin/api/main/pages/", "admin/choose-page/search/", "admin/pages/search/results/",
            "admin/images/chooser/results/", "admin/documents/chooser/results/", "admin/registry/institution/",
            "admin/snippets/choose/pages/outreachcategory/results/"} <= set(ADMIN)
    assert "admin/choose-page/" in ADMIN and "admin/logout/" not in ADMIN


@pytest.mark.parametrize("route", PUBLIC_STATIC)
def test_public_url(anonymous, route):
    assert server_errors(anonymous, "/" + route) == []


def fill_argument_patterns():
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    from portal.pages.directory import public_institutions

    document = Document.objects.get(title="实施方案")
    return {
        "wagtaildocs_serve": reverse("wagtaildocs_serve", args=[document.pk, document.filename]),
        "wagtailapi:pages:detail": reverse("wagtailapi:pages:detail", args=[Page.objects.live().filter(depth=2).first().pk]),
        "wagtailapi:images:detail": reverse("wagtailapi:images:detail", args=[Image.objects.get(title="标识").pk]),
        "wagtailapi:documents:detail": reverse("wagtailapi:documents:detail", args=[document.pk]),
        "directory_api:get_institution": reverse(
            "directory_api:get_institution", kwargs={"institution_id": public_institutions().first().pk},
        ),
    }


@pytest.mark.parametrize("name", sorted(FILLED))
def test_public_url_with_arguments(anonymous, name):
    assert server_errors(anonymous, fill_argument_patterns()[name]) == []


def page_urls(page):
    """The page and its routable sub-pages (arguments filled from the demo data)."""
    from portal.pages.directory import public_institutions

    urls = [page.url]
    for pattern in getattr(page, "get_subpage_urls", lambda: [])():
        if pattern.name == "index_route":
            continue
        kwargs = {"pk": public_institutions().first().pk} if "<int:pk>" in str(pattern.pattern) else {}
        urls.append(page.url + page.reverse_subpage(pattern.name, kwargs=kwargs))
    return sorted(set(urls))


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_live_pages_of_the_demo_site(anonymous, page_type):
    site = Site.objects.get(is_default_site=True)
    pages = [p for p in site.root_page.get_descendants(inclusive=True).live().specific() if type(p).__name__ == page_type]
    assert pages, f"the demo site has no live {page_type}"
    failures = []
    for number, page in enumerate(pages):
        for url in page_urls(page):
            # The whole corpus on the first page of the type; its siblings run the same code.
            failures += server_errors(anonymous, url, corpus=HOSTILE if number == 0 else SHORT[:3])
    assert failures == []


@pytest.mark.parametrize("route", ADMIN)
def test_admin_search_and_chooser_views(superuser_client, route):
    assert server_errors(superuser_client, "/" + route, params=ADMIN_PARAMS, declared=False, corpus=SHORT) == []
