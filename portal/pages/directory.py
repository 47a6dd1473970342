"""The public institution directory: one definition of what is public and how
it is filtered, used by the directory pages and the JSON API alike."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch

from portal.registry.models import Institution, InstitutionCategory, Region, RegionLevel, ServiceItem
from search.backends.database import DatabaseBackend
from search.directory import search_institutions
from search.items import INSTITUTION_SECTION

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
    q = forms.CharField(label="关键词", required=False, max_length=50,
                        help_text="机构名称、地址或服务项目中的词，如：铁东 康复驿站")

    def __init__(self, data=None, root=None):
        super().__init__(data)
        self.root = root
        self.fields["region"].choices = [("", "全部地区")] + region_choices(root)
        self.service_names = {str(s.pk): s.name for s in ServiceItem.objects.order_by("sort_order", "name")}
        self.fields["service"].choices = [("", "全部服务")] + list(self.service_names.items())

    def filters(self):
        """The valid filters; invalid ones are dropped, not errors."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}

    def filter(self, queryset):
        return filter_institutions(queryset, **self.filters())

    def search(self, page=1, per_page=20):
        """One page of the directory from the search index: (Django Page of institutions, SearchResult).

        Words are found in names, addresses and services (search.directory);
        the choices get the facet counts, e.g. "铁东区（12）".
        """
        data = self.filters()
        region = data.get("region") or (self.root.code if self.root is not None else "")
        service = self.service_names.get(data.get("service", ""), "")
        result, institutions = search_public_institutions(
            q=data.get("q", ""), region=region, category=data.get("category", ""), service=service,
            page=page, per_page=per_page,
        )
        if result.total and result.request.page > result.num_pages:  # a page past the end: show the last
            result, institutions = search_public_institutions(
                q=data.get("q", ""), region=region, category=data.get("category", ""), service=service,
                page=result.num_pages, per_page=per_page,
            )
        self.add_counts(result)
        paginator = Paginator(_ResultWindow(result.total, institutions), per_page)
        return paginator.page(min(result.request.page, paginator.num_pages)), result

    def add_counts(self, result):
        """Put the number of institutions each choice would give beside it."""
        def label(text, count):
            return f"{text}（{count}）" if count is not None else text

        region_counts = result.region_counts
        self.fields["region"].choices = [
            (code, label(name, region_counts.get(code, 0) if code else None))
            for code, name in self.fields["region"].choices
        ]
        for name, lookup in (("category", None), ("service", self.service_names)):
            counts = {f.value: f.count for f in result.facets.get(name, [])}
            choices = []
            for value, text in self.fields[name].choices:
                key = lookup.get(value, "") if lookup is not None else value
                choices.append((value, label(text, counts.get(key, 0) if value else None)))
            self.fields[name].choices = choices


class _ResultWindow:
    """The hits of one search page, sized as the whole result, so Django's Paginator pages it."""

    def __init__(self, total, items):
        self.total, self.items = total, items

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        return self.items


def search_public_institutions(q="", region="", category="", service="", page=1, per_page=20, offset=None):
    """Published institutions found by the search index, in its order: (SearchResult, [Institution]).

    A fixed number of queries whatever the data: the search statements, then one
    query (and the services prefetch) for the institutions shown.
    """
    result = search_institutions(q=q, region=region, category=category, service=service, page=page,
                                 page_size=per_page, offset=offset)
    ids = [hit.object_id for hit in result.hits]
    found = {inst.pk: inst for inst in public_institutions().filter(pk__in=ids)} if ids else {}
    return result, [found[pk] for pk in ids if pk in found]


def filter_institutions(queryset, region=None, category=None, service=None, q=None):
    """Filter a queryset of institutions (the price listing): words of ``q`` through the search index."""
    if region:
        target = Region.objects.filter(code=region).only("path").first()
        queryset = queryset.within(target) if target else queryset.none()
    if category:
        queryset = queryset.filter(category=category)
    if service:
        queryset = queryset.filter(services__pk=service)
    if q and q.strip():
        ids = DatabaseBackend().matching_object_ids(q.strip(), INSTITUTION_SECTION)
        queryset = queryset.filter(pk__in=ids)
    return queryset.distinct() if service else queryset
