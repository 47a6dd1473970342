"""The ModelAdmin every back-office registry inherits, so region scope holds by default.

Each listing, filter, object view and history page of a ModelAdmin built on
``PortalModelAdmin`` gets its rows from one scoped queryset (``access``):

- a listing accepts only its declared filters and its own parameters (page,
  search, ordering, export); anything else (``?parent__assignments__user__…``,
  which wagtail-modeladmin would hand to ``QuerySet.filter``) answers 400;
- a filter on a relation lists only the related rows the user may see;
- inspect, edit, delete and history find their object through the same
  queryset, so an object outside the user's regions answers 404 whichever
  view (or future view) is asked.

Region-bearing models use ``RegionScopedModelAdmin``; vocabularies shared by
the whole tree use ``NationwideModelAdmin``. The wall test
(tests/registry/test_region_wall.py) refuses any other ModelAdmin.
"""

from django.contrib.admin import SimpleListFilter
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import CreateView, DeleteView, EditView, IndexView, InspectView

from portal.audit.mixins import AuditChangesMixin

from . import access
from .forms import RegionScopedAdminForm
from .models import RegionLevel

class RegionPermissionHelper(PermissionHelper):
    """Model permissions as usual, and on top: the object must be in the user's regions."""

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
        region = access.regions_for(request.user).filter(code=code).first()
        return queryset.within(region) if region else queryset.none()


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A filter on a relation whose choices are only the related rows the user may see."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model._default_manager.all()
        if access.is_region_bearing(field.related_model):
            related = related.visible_to(request.user, for_reading=True)
        return [(obj.pk, str(obj)) for obj in related]


class ListingParameterRefused(Exception):
    def __init__(self, names):
        super().__init__(", ".join(names))
        self.names = names


class ScopedIndexView(IndexView):
    """A listing that refuses every query parameter it did not declare."""

    bad_request_template = "registry/bad_listing_request.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ListingParameterRefused as refused:
            return self.bad_request(request, refused.names)
        except IncorrectLookupParameters:
            return self.bad_request(request, [])

    def get_filters(self, request):
        # Each declared filter takes its own parameters out of the dict; what is
        # left would reach QuerySet.filter() unchecked, across any relation.
        specs, has_filters, remaining, use_distinct = super().get_filters(request)
        if remaining:
            raise ListingParameterRefused(sorted(remaining))
        return specs, has_filters, remaining, use_distinct

    def bad_request(self, request, names):
        context = {
            "names": names,
            "index_url": self.url_helper.index_url,
            "model_name": self.verbose_name_plural,
        }
        return TemplateResponse(request, self.bad_request_template, context, status=400)


class ScopedCreateView(AuditChangesMixin, CreateView):
    pass


# AuditChangesMixin (portal/audit) adds what changed to Wagtail's log entries.
class ScopedEditView(AuditChangesMixin, EditView):
    pass


class ScopedDeleteView(AuditChangesMixin, DeleteView):
    pass


class PortalInspectView(InspectView):
    """wagtail-modeladmin prints a boolean as "True"/"False": in Chinese here."""

    def get_field_display_value(self, field_name, field=None):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return "是" if value else "否"
        return value


class PortalModelAdmin(ModelAdmin):
    """Base of every ModelAdmin of the portal: strict listings, objects found through the scope."""

    index_view_class = ScopedIndexView
    create_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = PortalInspectView
    list_per_page = 50

    def get_list_filter(self, request):
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters

    def _is_relation(self, name):
        try:
            field = self.model._meta.get_field(name)
        except Exception:
            return False
        return isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField)

    def get_instance_queryset(self, request, for_reading):
        """The rows whose object views (inspect, edit, delete, history) may be opened."""
        return self.model._default_manager.all()

    def _get_in_scope(self, request, instance_pk, for_reading):
        try:
            found = self.get_instance_queryset(request, for_reading).filter(pk=unquote(instance_pk)).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
            raise Http404(access.OUT_OF_SCOPE)

    def inspect_view(self, request, instance_pk):
        self._get_in_scope(request, instance_pk, for_reading=True)
        return super().inspect_view(request, instance_pk)

    def history_view(self, request, instance_pk):
        # wagtail-modeladmin's history view checks nothing but the login.
        if not self.permission_helper.user_can_list(request.user):
            raise PermissionDenied
        self._get_in_scope(request, instance_pk, for_reading=True)
        return super().history_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        self._get_in_scope(request, instance_pk, for_reading=False)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self._get_in_scope(request, instance_pk, for_reading=False)
        return super().delete_view(request, instance_pk)


class NationwideModelAdmin(PortalModelAdmin):
    """A vocabulary shared by the whole tree (部门类别, 服务项目): no region to scope by."""


class RegionScopedModelAdmin(PortalModelAdmin):
    """A registry ModelAdmin whose every view is limited to the user's regions."""

    permission_helper_class = RegionPermissionHelper
    inspect_view_enabled = True

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user, for_reading=True)

    def get_instance_queryset(self, request, for_reading):
        return self.model._default_manager.visible_to(request.user, for_reading=for_reading)

    def get_edit_handler(self):
        edit_handler = super().get_edit_handler()
        if edit_handler.base_form_class is None:
            edit_handler.base_form_class = RegionScopedAdminForm
        return edit_handler

