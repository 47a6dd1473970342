"""Building blocks the registry ModelAdmins share: region scope in listings,
object views and forms, and a region filter that stays short."""

from django.contrib.admin import SimpleListFilter
from django.http import Http404
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import CreateView, DeleteView, EditView, InspectView

from portal.audit.mixins import AuditChangesMixin

from . import access
from .forms import RegionScopedAdminForm
from .models import Region, RegionLevel


class RegionPermissionHelper(PermissionHelper):
    """Model permissions as usual, and on top: the object must be in the user's regions.

    An object outside the scope answers 403 on inspect, edit and delete.
    """

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and access.can_view(user, obj)

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and access.can_access(user, obj)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and access.can_access(user, obj)


class RegionFilter(SimpleListFilter):
    """筛选区划: any level of the tree, limited to the user's own regions.

    Long lists are cut to provinces and cities plus the children of the
    region currently chosen, so a province admin is not shown 300 links.
    """

    title = "区划"
    parameter_name = "region"
    max_flat_choices = 40

    def lookups(self, request, model_admin):
        regions = access.regions_for(request.user).exclude(level=RegionLevel.TOWNSHIP)
        if regions.count() > self.max_flat_choices:
            shown = regions.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])
            chosen = self.value()
            if chosen:
                shown = shown | regions.filter(parent__code=chosen)
            regions = shown
        return [(r.code, self.label(r)) for r in regions.order_by("path")]

    @staticmethod
    def label(region):
        indent = {"province": "", "city": "· ", "county": "· · ", "township": "· · · "}[region.level]
        return f"{indent}{region.name}"

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        region = Region.objects.filter(code=code).first()
        if region is None or not access.can_access_region(request.user, region):
            return queryset.none()
        lookup = access.lookup_for(queryset.model)
        field = "path" if lookup == access.SELF else f"{lookup}__path"
        return queryset.filter(**{f"{field}__startswith": region.path})


class OutOfScopeIs404:
    can_see = staticmethod(access.can_access)

    """A record outside the user's regions does not exist for them.

    Wagtail turns PermissionDenied into a redirect to the dashboard; a 404
    also avoids confirming that the record exists at all.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.can_see(request.user, self.instance):
            raise Http404("没有找到该记录，或该记录不在您的管辖区划内。")
        return super().dispatch(request, *args, **kwargs)


# AuditChangesMixin (portal/audit) adds what changed to Wagtail's log entries.
class ScopedCreateView(AuditChangesMixin, CreateView):
    pass


class ScopedEditView(AuditChangesMixin, OutOfScopeIs404, EditView):
    pass


class ScopedInspectView(OutOfScopeIs404, InspectView):
    can_see = staticmethod(access.can_view)


class ScopedDeleteView(AuditChangesMixin, OutOfScopeIs404, DeleteView):
    pass


class RegionScopedModelAdmin(ModelAdmin):
    """A registry ModelAdmin whose every view is limited to the user's regions."""

    permission_helper_class = RegionPermissionHelper
    create_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    inspect_view_class = ScopedInspectView
    delete_view_class = ScopedDeleteView
    inspect_view_enabled = True
    list_per_page = 50

    def get_queryset(self, request):
        return access.scope_queryset(super().get_queryset(request), request.user, for_reading=True)

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        if edit_handler.base_form_class is None:
            edit_handler.base_form_class = RegionScopedAdminForm
        return edit_handler
