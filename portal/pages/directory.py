"""The public institution directory: one definition of what is public and how
it is filtered, used by the directory pages and the JSON API alike."""

from django import forms
from django.db.models import Prefetch

from portal.registry.models import Institution, InstitutionCategory, Region, RegionLevel, ServiceItem

# Everything the public may see of an institution. Institution.staff_only_fields
# (the reporting contact) and the internal head-counts are not listed, so they
# cannot leak through a template or the API.
PUBLIC_FIELDS = (
    "id", "name", "address", "county", "owner_department", "category", "operation_mode", "facility_type",
    "services", "floor_area", "opening_hours", "public_phone", "supervision_phone", "green_channel_hospital",
    "latitude", "longitude", "introduction", "updated_at",
)
assert not set(PUBLIC_FIELDS) & set(Institution.staff_only_fields)


def public_institutions():
    """Published institutions with what a listing needs, in a fixed number of queries."""
    return (
        Institution.objects.published()
        .select_related("county__parent")
        .prefetch_related(Prefetch("services", queryset=ServiceItem.objects.order_by("sort_order", "name")))
        .only(*[f for f in PUBLIC_FIELDS if f != "services"], "is_published", "county__name", "county__code",
              "county__path", "county__parent__name", "county__parent__code")
        .order_by("county__path", "name")
    )


def region_choices(root=None):
    """Cities and counties that have published institutions (within ``root``)."""
    paths = set(Institution.objects.published().values_list("county__path", flat=True).distinct())
    codes = {code for path in paths for code in path.strip("/").split("/") if code}
    regions = Region.objects.filter(code__in=codes, level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).order_by("path")
    if root is not None:
        regions = regions.within(root)
    return [(r.code, r.name if r.level == RegionLevel.CITY else f"　{r.name}") for r in regions]


class DirectoryFilterForm(forms.Form):
    """Every field is optional; an unknown value is simply ignored (never a 500)."""

    region = forms.ChoiceField(label="地区", required=False)
    category = forms.ChoiceField(label="机构类别", required=False,
                                 choices=[("", "全部类别")] + list(InstitutionCategory.choices))
    service = forms.ChoiceField(label="服务项目", required=False)
    q = forms.CharField(label="机构名称", required=False, max_length=50)

    def __init__(self, data=None, root=None):
        super().__init__(data)
        self.fields["region"].choices = [("", "全部地区")] + region_choices(root)
        self.fields["service"].choices = [("", "全部服务")] + [
            (str(s.pk), s.name) for s in ServiceItem.objects.order_by("sort_order", "name")
        ]

    def filter(self, queryset):
        """Apply the valid filters; invalid ones are dropped, not errors."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
        return filter_institutions(queryset, **data)


def filter_institutions(queryset, region=None, category=None, service=None, q=None):
    if region:
        target = Region.objects.filter(code=region).only("path").first()
        queryset = queryset.within(target) if target else queryset.none()
    if category:
        queryset = queryset.filter(category=category)
    if service:
        queryset = queryset.filter(services__pk=service)
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset.distinct() if service else queryset
