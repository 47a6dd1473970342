"""Admin wiring of the spreadsheets: URLs, listing buttons, bulk publishing, import history.

``portal/registry/wagtail_hooks.py`` imports this module (hooks register on
import) and adds ``SpreadsheetAdminMixin`` to the registries' ModelAdmins
(``PublishingAdminMixin`` to the institutions) and ``ImportRecordAdmin`` to
the 精康登记 menu.
"""

from django.contrib.admin import SimpleListFilter
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks

from .. import access, publishing
from ..admin_base import RegionFilter, RegionScopedModelAdmin, ScopedIndexView
from ..models import ImportRecord
from . import views

app_name = "registry_spreadsheets"
urlpatterns = [
    path("<str:kind>/import/", views.start_import, name="start"),
    path("<str:kind>/template/", views.download_template, name="template"),
    path("imports/<int:pk>/", views.record_page, name="record"),
    path("imports/<int:pk>/confirm/", views.confirm_import, name="confirm"),
    path("imports/<int:pk>/status/", views.import_status, name="status"),
    path("imports/<int:pk>/errors/", views.error_workbook, name="errors"),
    path("imports/<int:pk>/undo/", views.undo, name="undo"),
    path("institutions/publish/", views.publish, name="publish"),
]


@hooks.register("register_admin_urls")
def register_spreadsheet_urls():
    return [path("registry-spreadsheets/", include((urlpatterns, app_name), namespace=app_name))]


EXPORT_PARAM = "export"
EXPORT_VALUES = {"registry": None, "registry_progress": "task_progress"}


class SpreadsheetIndexView(ScopedIndexView):
    """The listing, plus ``?export=registry``: its filtered rows in the office layout."""

    def get(self, request, *args, **kwargs):
        if self.export in EXPORT_VALUES:
            kind = EXPORT_VALUES[self.export] or self.model_admin.spreadsheet_kind
            return views.export_response(request, kind, self.queryset)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.model_admin.spreadsheet_kind
        query = self.request.GET.copy()
        query.pop("p", None)
        query[EXPORT_PARAM] = "registry"
        export_query = query.urlencode()
        query[EXPORT_PARAM] = "registry_progress"
        context["spreadsheet"] = {
            "kind": kind,
            "import_url": reverse("registry_spreadsheets:start", args=[kind]),
            "template_url": reverse("registry_spreadsheets:template", args=[kind]),
            "export_url": f"?{export_query}",
            "progress_url": f"?{query.urlencode()}" if kind == "tasks" else "",
            "can_import": self.permission_helper.user_can_create(self.request.user),
        }
        if getattr(self.model_admin, "bulk_publish", False) and self.request.user.has_perm("registry.change_institution"):
            context["bulk_publish"] = {"url": reverse("registry_spreadsheets:publish"),
                                       "next": self.request.get_full_path()}
        return context


class SpreadsheetAdminMixin:
    """Adds 导入 / 导出 / 下载模板 to a registry listing. Set ``spreadsheet_kind``."""

    spreadsheet_kind = None
    index_view_class = SpreadsheetIndexView
    index_template_name = "registry/spreadsheets/modeladmin_index.html"


class ImportBatchFilter(SimpleListFilter):
    """?import=<record id>: the institutions one import created (the result page links here)."""

    title = "导入批次"
    parameter_name = "import"

    def lookups(self, request, model_admin):
        value = self.value()
        if value and value.isdigit():
            return [(value, f"第 {value} 号导入新增的机构")]
        return []

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        record = ImportRecord.objects.visible_to(request.user).filter(pk=value if value.isdigit() else None).first()
        if record is None:
            return queryset.none()
        return queryset.filter(pk__in=publishing.created_by(record).values("pk"))


class PublishingAdminMixin:
    """A checkbox per row and the bulk actions 对外公开 / 取消公开 (a POST to their own view)."""

    bulk_publish = True

    def select_box(self, obj):
        return format_html('<input type="checkbox" name="ids" value="{}" form="bulk-publish" '
                           'aria-label="选择 {}" data-bulk-select>', obj.pk, obj.name)

    select_box.short_description = "选择"


class ReadOnlyPermissionHelper(RegionScopedModelAdmin.permission_helper_class):
    """History is written by the importer only: nobody adds, edits or deletes it here."""

    def user_can_list(self, user):
        return user.is_active and user.is_staff and (
            user.has_perm("registry.view_importrecord") or user.has_perm("registry.add_institution")
            or user.is_superuser
        )

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user) and access.can_access(user, obj)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ImportRecordAdmin(RegionScopedModelAdmin):
    """导入导出记录: read-only history, limited to the user's regions; each import can be undone here."""

    model = ImportRecord
    permission_helper_class = ReadOnlyPermissionHelper
    inspect_view_enabled = True
    inspect_template_name = "registry/spreadsheets/importrecord_inspect.html"
    menu_label = "导入导出记录"
    menu_icon = "history"
    menu_order = 900
    list_display = ("created_at", "operation", "kind", "user", "file_name", "region", "status", "summary_display")
    list_filter = (RegionFilter, "operation", "kind", "status")
    search_fields = ("file_name", "sha256", "user__username")
    inspect_view_fields = (
        "operation", "kind", "user", "created_at", "finished_at", "file_name", "sha256", "file_size", "region",
        "delete_missing", "valid_only", "publish_new", "reverts", "status", "row_count", "new_count", "changed_count",
        "unchanged_count", "deleted_count", "error_count", "error_report", "warning_report",
    )

    def get_queryset(self, request):
        # The journal and the preview can be megabytes: never load them for the listing.
        return super().get_queryset(request).select_related("user", "region").defer("journal", "preview")

    def summary_display(self, obj):
        if obj.operation == ImportRecord.Operation.EXPORT:
            return f"导出 {obj.row_count} 条"
        return obj.summary

    summary_display.short_description = "结果"
