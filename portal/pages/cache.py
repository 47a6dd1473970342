"""Whole-page and fragment cache for anonymous visitors, invalidated by topic.

Every cached page depends on a few *topics* ("pages", "institutions",
"prices", "tasks", "progress", "supervision", or one record such as
"institution:12"), each with a generation counter in the cache. A page type
declares its topics (``cache_topics`` on the page class, read by the
``before_serve_page`` hook in wagtail_hooks.py); a URL that declares none
depends on all of them. A cached entry keeps the generations it was rendered
under and is served only while they are all unchanged, so saving an
institution bumps "institutions" (and "institution:<pk>") and leaves the
policy and case pages warm. Publishing, unpublishing, moving or deleting a
page bumps "pages", which every page depends on (navigation, lists).

Which saved model bumps which topics is ``MODEL_TOPICS``; models not listed
(revisions, logs, workflow states, supervision messages and ratings,
reporting drafts, link-check results, import records, audit entries) change
nothing the cached pages show and bump nothing.

Pages that use a CSRF token (forms), set cookies or are seen by a signed-in
user are never cached, and neither are fragments (``{% fragment %}``) of a
preview or of a signed-in user's page.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.registry.signals import bulk_written
from search.indexing import index_written

ELDER_COOKIE = "elder"
EXCLUDED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/", "/_util/", "/api/")

PAGES = "pages"
INSTITUTIONS = "institutions"
INSTITUTIONS_BULK = "institutions:bulk"
PRICES = "prices"
TASKS = "tasks"
PROGRESS = "progress"
SUPERVISION = "supervision"
# The search index is written after the commit (or by a background task), later than the
# save that bumped "institutions": pages that read the index depend on it as well.
SEARCH = "search"
ALL_TOPICS = (PAGES, INSTITUTIONS, INSTITUTIONS_BULK, PRICES, TASKS, PROGRESS, SUPERVISION, SEARCH)

# "app_label.model_name" or "app_label" → the topics a save or delete bumps.
MODEL_TOPICS = {
    # Page rows are handled apart (_page_saved): a draft or autosave changes nothing public.
    "pages.siteidentity": (PAGES,),
    "pages.outreachcategory": (PAGES,),
    "pages.outreachpagetag": (PAGES,),
    "pages.formfield": (PAGES,),
    "wagtailcore.site": (PAGES,),
    "wagtailcore.locale": (PAGES,),
    "wagtailcore.pageviewrestriction": (PAGES,),
    "wagtailcore.collectionviewrestriction": (PAGES,),
    "wagtailimages.image": (PAGES,),
    "wagtaildocs.document": (PAGES,),
    # Region names and paths appear on nearly every page.
    "registry.region": ALL_TOPICS,
    "registry.institution": (INSTITUTIONS,),  # plus "institution:<pk>" (topics_for)
    "registry.serviceitem": (INSTITUTIONS,),
    "registry.department": (TASKS, SUPERVISION),
    "registry.departmentkind": (TASKS,),
    "registry.jointmeeting": (TASKS,),
    "registry.jointmeetingmember": (TASKS,),
    "registry.departmentduty": (TASKS,),
    "registry.actionplan": (TASKS,),
    "registry.task": (TASKS,),
    "registry.taskresponsibility": (TASKS,),
    "registry.taskprogress": (TASKS,),
    "registry.target": (PROGRESS,),
    "registry.countyreport": (PROGRESS,),
    "prices": (PRICES,),
    "supervision.hotline": (SUPERVISION,),
    "supervision.supervisionsettings": (SUPERVISION,),
    # Published figures are approved submissions' snapshots: see topics_for.
    "reporting.reportinground": (PROGRESS,),
}
PAGE_DRAFT_FIELDS = {"comments", "latest_revision_created_at", "draft_title", "latest_revision",
                     "has_unpublished_changes", "locked", "locked_at", "locked_by"}


def timeout():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def _key(topic):
    return f"pagecache:topic:{topic}"


def generations(topics):
    """{topic: generation}. A missing counter starts at the current time, so a counter
    evicted from the cache can never match what an older entry was stored under."""
    keys = {_key(t): t for t in topics}
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        start = time.time_ns()
        for k in missing:
            cache.add(k, start, None)
        found.update(cache.get_many(missing))
    return {keys[k]: v for k, v in found.items()}


def invalidate(*topics):
    for topic in topics or ALL_TOPICS:
        try:
            cache.incr(_key(topic))
        except ValueError:  # never read yet: nothing was cached under it
            pass


def topics_for(instance, sender=None):
    meta = (sender or type(instance))._meta
    topics = MODEL_TOPICS.get(f"{meta.app_label}.{meta.model_name}") or MODEL_TOPICS.get(meta.app_label) or ()
    if meta.label_lower == "reporting.submission":
        # Approval publishes a snapshot (portal.reporting.approved) and locks it: drafts,
        # submitted and returned reports change nothing public.
        from portal.reporting.models import SubmissionStatus

        return (PROGRESS,) if instance is not None and instance.status == SubmissionStatus.APPROVED else ()
    if meta.label_lower == "registry.institution":
        topics += (f"institution:{instance.pk}",) if instance is not None else (INSTITUTIONS_BULK,)
    return topics


def elder_mode(request):
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def fragments_allowed(request):
    """Fragments are cached for anonymous visitors of published pages only, never in a preview."""
    if request is None or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def request_generations(request, topics):
    """The generations of ``topics`` as this request saw them first (one cache read per request)."""
    seen = getattr(request, "_portal_generations", None)
    if seen is None:
        seen = request._portal_generations = {}
    wanted = [t for t in topics if t not in seen]
    if wanted:
        seen.update(generations(wanted))
    return tuple(seen[t] for t in topics)


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
        return f"pagecache:page:{hashlib.sha256(raw.encode()).hexdigest()}"

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = self.key(request)
        entry = cache.get(key)
        if entry is not None:
            topics, stamp, response = entry
            if request_generations(request, topics) == stamp:
                return response
        # Read before rendering: a save during the render leaves the entry stale, never wrong.
        request_generations(request, ALL_TOPICS)
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
            topics = tuple(getattr(request, "portal_cache_topics", None) or ALL_TOPICS)
            cache.set(key, (topics, request_generations(request, topics), response), timeout())
        return response


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_changed(sender, **kwargs):
    invalidate(PAGES)


@receiver(post_save)
def _record_saved(sender, instance, update_fields=None, **kwargs):
    if isinstance(instance, Page):
        # Publishing sends page_published; saving a draft or an autosave changes nothing public.
        if instance.live and not (update_fields and set(update_fields) <= PAGE_DRAFT_FIELDS):
            invalidate(PAGES)
        return
    topics = topics_for(instance, sender)
    if topics:
        invalidate(*topics)


@receiver(post_delete)
def _record_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate(PAGES)
        return
    topics = topics_for(instance, sender)
    if topics:
        invalidate(*topics)


@receiver(bulk_written)
def _bulk_written(sender, **kwargs):
    topics = topics_for(None, sender)
    if topics:
        invalidate(*topics)



@receiver(index_written)
def _index_written(sender, **kwargs):
    invalidate(SEARCH)
