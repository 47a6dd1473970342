"""Back office of price disclosure (menu 价格公示)."""

from django.utils.html import format_html
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import CreateView

from portal.registry.admin_base import RegionFilter, RegionPermissionHelper, RegionScopedModelAdmin

from .models import PriceItem, PriceVersion


class VersionPermissionHelper(RegionPermissionHelper):
    # A price is never edited or deleted: a new price is a new version.
    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return user.is_superuser and super().user_can_delete_obj(user, obj)


class VersionCreateView(CreateView):
    def get_instance(self):
        instance = super().get_instance()
        item_pk = self.request.GET.get("item")
        if instance.item_id is None and item_pk and item_pk.isdigit():
            instance.item_id = int(item_pk)
        return instance

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class PriceItemAdmin(RegionScopedModelAdmin):
    model = PriceItem
    menu_label = "收费项目"
    menu_icon = "list-ul"
    list_display = ("name", "institution", "unit", "current_price")
    list_filter = (RegionFilter,)
    search_fields = ("name", "institution__name")
    panels = [FieldPanel("institution"), FieldRowPanel([FieldPanel("name"), FieldPanel("unit")]),
              FieldPanel("content"), FieldPanel("sort_order")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")

    def current_price(self, obj):
        version = obj.current_version()
        return version.price_display if version else "未定价"

    current_price.short_description = "现行价格"




class PriceVersionAdmin(RegionScopedModelAdmin):
    model = PriceVersion
    menu_label = "价格与调价"
    menu_icon = "tag"
    permission_helper_class = VersionPermissionHelper
    create_view_class = VersionCreateView
    list_display = ("item", "institution_name", "price_display", "pricing_form", "effective_date", "rise_flag", "created_by")
    list_filter = (RegionFilter, "flagged", "pricing_form", "charge_type")
    search_fields = ("item__name", "item__institution__name")
    inspect_view_fields = (
        "item", "charge_type", "price", "pricing_form", "basis", "effective_date", "complaint_phone", "note",
        "previous", "rise_share", "flagged", "created_at", "created_by",
    )
    panels = [
        FieldPanel("item"),
        FieldRowPanel([FieldPanel("charge_type"), FieldPanel("price"), FieldPanel("pricing_form")]),
        FieldRowPanel([FieldPanel("effective_date"), FieldPanel("complaint_phone")]),
        FieldPanel("basis"),
        FieldPanel("note"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item__institution", "created_by")

    def get_extra_attrs_for_row(self, obj, context):
        return {"class": "jk-overdue"} if obj.flagged else {}

    def institution_name(self, obj):
        return obj.item.institution.name

    institution_name.short_description = "机构"

    def rise_flag(self, obj):
        if obj.flagged:
            return format_html('<strong class="jk-flagged-flag">涨幅 {}，超过提示比例</strong>', obj.rise_display or "（由免费转收费）")
        return obj.rise_display or "—"

    rise_flag.short_description = "较上一版本"


@modeladmin_register
class PricesGroup(ModelAdminGroup):
    menu_label = "价格公示"
    menu_icon = "tag"
    menu_order = 220
    items = (PriceVersionAdmin, PriceItemAdmin)
