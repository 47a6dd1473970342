"""Region scope on the page tree: pages that carry a region (优秀案例) are the
registries' records too.

A page type that declares ``region_lookup`` (and a manager built on
``RegionScopedQuerySet``) is, for a user outside its region, as if it did not
exist: every page-tree action asks ``Page.permissions_for_user`` (edit,
view_draft, preview, revisions and their compare, history, move, copy, delete,
lock, unpublish, workflow actions), and every listing asks the permission
policy (explorer, admin page search, the admin pages API, reports, the site
history). Both answers come from here; the page chooser uses the same filter,
and ``PageScopeMiddleware`` refuses any admin URL that names such a page.
"""

from django.apps import apps
from django.http import Http404
from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.registry import access


def region_page_models():
    return [m for m in apps.get_models() if issubclass(m, Page) and access.is_region_bearing(m)]


def exclude_out_of_scope(pages, user):
    """``pages`` without the region-bearing pages outside the user's regions."""
    if access.is_unrestricted(user):
        return pages
    for model in region_page_models():
        outside = model._default_manager.exclude(access.region_q(user, model)).values("pk")
        pages = pages.exclude(pk__in=outside)
    return pages


def page_in_scope(user, page):
    specific_class = page.specific_class
    if specific_class is None or not access.is_region_bearing(specific_class):
        return True
    return access.can_access(user, page.specific_deferred)


class RegionPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permissions, minus the pages outside the user's regions."""

    def explorable_instances(self, user):
        return exclude_out_of_scope(super().explorable_instances(user), user)

    def instances_user_has_any_permission_for(self, user, actions):
        return exclude_out_of_scope(super().instances_user_has_any_permission_for(user, actions), user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(user, actions, instance) and page_in_scope(user, instance)


def _deny(self, *args, **kwargs):
    return False


class OutOfScopePermissionTester(PagePermissionTester):
    """What a user may do with a page outside their regions: nothing at all."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.permissions = set()

    user_has_lock = _deny


# Every can_* of Wagtail's tester, present and future, says no.
for _name in dir(PagePermissionTester):
    if _name.startswith("can_"):
        setattr(OutOfScopePermissionTester, _name, _deny)


def tester_for(user, page):
    if page_in_scope(user, page):
        return PagePermissionTester(user, page)
    return OutOfScopePermissionTester(user, page)


# URL arguments that name a page, in every admin route that has them.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
# Routes whose "pk" is a page, and routes that take pages as ?id=.
PAGE_PK_ROUTES = ("wagtailadmin_api:pages:", "wagtailadmin_pages:revisions_compare")
PAGE_ID_LIST_ROUTES = ("wagtailadmin_choose_page_chosen_multiple",)


def _page_ids(request, view_kwargs):
    match = request.resolver_match
    ids = [view_kwargs[k] for k in PAGE_KWARGS if k in view_kwargs]
    if "pk" in view_kwargs and match.view_name.startswith(PAGE_PK_ROUTES):
        ids.append(view_kwargs["pk"])
    is_page_bulk_action = match.url_name == "wagtail_bulk_action" and _is_page_model(
        view_kwargs.get("app_label"), view_kwargs.get("model_name"))
    if match.view_name in PAGE_ID_LIST_ROUTES or is_page_bulk_action:
        ids += request.GET.getlist("id")
    return [int(i) for i in ids if str(i).isdigit()]


def _is_page_model(app_label, model_name):
    try:
        return issubclass(apps.get_model(app_label, model_name), Page)
    except (LookupError, ValueError, TypeError):
        return False


class PageScopeMiddleware:
    """An admin URL that names a page outside the user's regions answers 404.

    The permission tester and policy above decide what a user may *do*; a few
    Wagtail screens still print the title of whatever page id they are given
    (the explorer's header, a move or cancellation confirmation, the chooser,
    the bulk-action lists). Checking the page ids of every admin route here
    covers those screens, and any added later, without a view to remember.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.resolver_match is None:
            return None
        if access.is_unrestricted(user):
            return None
        ids = _page_ids(request, view_kwargs)
        if ids and any(not page_in_scope(user, page) for page in Page.objects.filter(pk__in=ids)):
            raise Http404(access.OUT_OF_SCOPE)
        return None
