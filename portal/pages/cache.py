"""Whole-page cache for anonymous visitors, invalidated on every publish.

A generation number in the cache is part of every key; publishing,
unpublishing, moving or deleting a page, or saving any registry, price or
hotline record, bumps it, so every cached page goes stale at once. Pages that
use a CSRF token (forms), set cookies or are seen by a signed-in user are never
cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.registry.signals import bulk_written

GENERATION_KEY = "pagecache:generation"
ELDER_COOKIE = "elder"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/", "/_util/", "/api/")
# Saving a record of these apps changes what public pages show.
INVALIDATING_APPS = {"registry", "prices", "supervision", "pages", "wagtailimages", "wagtaildocs", "wagtailcore"}
IGNORED_MODELS = {"supervisionmessage", "revision", "modellogentry", "pagelogentry", "taskstate", "workflowstate",
                  "pagesubscription", "comment"}


def timeout():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return value


def invalidate(**kwargs):
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def elder_mode(request):
    return request.COOKIES.get(ELDER_COOKIE) == "1"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def cacheable_request(self, request):
        if not getattr(settings, "PAGE_CACHE_ENABLED", True):
            return False
        if request.method not in ("GET", "HEAD") or request.path.startswith(EXCLUDED_PREFIXES):
            return False
        if "messages" in request.COOKIES or request.GET.get("preview"):
            return False
        return not request.user.is_authenticated

    def key(self, request):
        raw = f"{request.get_host()}|{request.get_full_path()}|{int(elder_mode(request))}"
        return f"pagecache:{generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = self.key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Cache-Control")
            and not getattr(response, "portal_no_cache", False)
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            cache.set(key, response, timeout())
        return response


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs):
    invalidate()


@receiver(post_save)
@receiver(post_delete)
@receiver(bulk_written)
def _record_changed(sender, **kwargs):
    meta = getattr(sender, "_meta", None)
    if meta and meta.app_label in INVALIDATING_APPS and meta.model_name not in IGNORED_MODELS:
        invalidate()
