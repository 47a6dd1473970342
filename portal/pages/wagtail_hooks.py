"""Admin hooks of the public site: privacy warnings on case pages, suffixed slugs;
bounded offsets in the admin's API."""

from django.contrib import messages
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from .api import with_bounded_offsets
from .forms import SLUG_SUFFIXED
from .models import CasePage
from .permissions import exclude_out_of_scope


def _warn_personal_data(request, page):
    page = page.specific
    if not isinstance(page, CasePage):
        return
    warnings = page.personal_data_warnings()
    if warnings:
        messages.warning(
            request,
            "请检查案例是否已匿名化：" + "；".join(warnings[:5]) + "。确认无误后再提交审核。",
        )


def _tell_about_suffixed_slug(request, page):
    old = getattr(page, "slug_suffixed_from", None)
    if old:
        messages.info(request, SLUG_SUFFIXED.format(old=old, new=page.slug))


@hooks.register("after_create_page")
def warn_after_create(request, page):
    _tell_about_suffixed_slug(request, page)
    _warn_personal_data(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    _tell_about_suffixed_slug(request, page)
    _warn_personal_data(request, page)


@hooks.register("construct_page_chooser_queryset")
def chooser_within_regions(pages, request):
    # Drafts of other regions' cases are not even titles in the page chooser.
    return exclude_out_of_scope(pages, request.user)


@hooks.register("construct_admin_api", order=1000)
def bound_admin_api_offsets(router):
    # After Wagtail's own hooks have registered the image and document endpoints.
    for model in (Page, get_image_model(), get_document_model()):
        endpoint = router.get_model_endpoint(model)
        if endpoint:
            name, viewset_class = endpoint
            router.register_endpoint(name, with_bounded_offsets(viewset_class))


@hooks.register("before_serve_page")
def declare_cache_topics(page, request, serve_args, serve_kwargs):
    # What the page cache keys this response on (portal/pages/cache.py); a page
    # type that declares nothing depends on every topic.
    topics = getattr(page, "cache_topics_for", None)
    request.portal_cache_topics = topics() if topics else None
