"""Headless access for the official account and mini-programs.

- Wagtail's API v2 (pages, images, documents) at /api/v2/.
- The published institution directory, read-only, at /api/directory/, with
  the directory's filters and an OpenAPI schema at /api/directory/openapi.json.
  Its schemas list public fields only (see ``directory.PUBLIC_FIELDS``).
"""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from portal.registry.models import ServiceItem

from .directory import public_institutions, search_public_institutions

# No listing is this long, and larger offsets overflow the database's
# integers (a 500): every API refuses or clamps them.
MAX_OFFSET = 1_000_000


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # Wagtail's own check answers 400
        if offset > MAX_OFFSET:
            raise BadRequestError(f"offset 不能大于 {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


def with_bounded_offsets(viewset_class):
    """The Wagtail API viewset with BoundedPagination (also used for the admin API)."""
    return type(viewset_class.__name__, (viewset_class,), {"pagination_class": BoundedPagination})


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", with_bounded_offsets(PagesAPIViewSet))
api_router.register_endpoint("images", with_bounded_offsets(ImagesAPIViewSet))
api_router.register_endpoint("documents", with_bounded_offsets(DocumentsAPIViewSet))

directory_api = NinjaAPI(
    title="精康服务机构查询 API", version="1.0", urls_namespace="directory_api",
    description="已对外公开的精神障碍社区康复服务机构（只读）。不含填报联系人等仅工作人员可见的信息。",
    docs_url="/docs",
)


class RegionOut(Schema):
    code: str
    name: str


class PriceOut(Schema):
    item: str
    content: str
    unit: str
    charge_type: str
    price: Decimal | None
    pricing_form: str
    basis: str
    effective_date: datetime.date
    complaint_phone: str


class InstitutionOut(Schema):
    id: int
    name: str
    address: str
    county: RegionOut
    city: RegionOut | None
    owner_department: str
    category: str
    operation_mode: str
    facility_type: str
    services: list[str]
    opening_hours: str
    public_phone: str
    supervision_phone: str
    green_channel_hospital: str
    latitude: Decimal | None
    longitude: Decimal | None
    introduction: str
    updated_at: datetime.datetime


class InstitutionDetailOut(InstitutionOut):
    floor_area: Decimal | None
    prices: list[PriceOut]


def to_public(inst, with_prices=False):
    parent = inst.county.parent
    data = {
        "id": inst.id, "name": inst.name, "address": inst.address,
        "county": {"code": inst.county.code, "name": inst.county.name},
        "city": {"code": parent.code, "name": parent.name} if parent else None,
        "owner_department": inst.get_owner_department_display(), "category": inst.get_category_display(),
        "operation_mode": inst.get_operation_mode_display() if inst.operation_mode else "",
        "facility_type": inst.get_facility_type_display() if inst.facility_type else "",
        "services": [s.name for s in inst.services.all()],
        "opening_hours": inst.opening_hours, "public_phone": inst.public_phone,
        "supervision_phone": inst.supervision_phone, "green_channel_hospital": inst.green_channel_hospital,
        "latitude": inst.latitude, "longitude": inst.longitude, "introduction": inst.introduction,
        "updated_at": inst.updated_at,
    }
    if with_prices:
        from portal.prices.board import price_board

        data["floor_area"] = inst.floor_area
        data["prices"] = [
            {"item": v.item.name, "content": v.item.content, "unit": v.item.unit,
             "charge_type": v.get_charge_type_display(), "price": v.price, "pricing_form": v.get_pricing_form_display(),
             "basis": v.basis, "effective_date": v.effective_date, "complaint_phone": v.complaint_phone}
            for v in price_board(inst)
        ]
    return data


class InstitutionPage(Schema):
    count: int
    items: list[InstitutionOut]


MAX_LIMIT = 100


@directory_api.get("/institutions", response=InstitutionPage, summary="机构列表",
                   description="可按地区代码（市或县）、机构类别代码、服务项目编号和关键词（机构名称、地址、服务项目中的词）筛选；"
                               "有关键词时按相关度排序，否则按名称；limit 最大 100。")
def list_institutions(request, region: str = "", category: str = "", service: int | None = None, q: str = "",
                      limit: int = 20, offset: int = 0):
    limit = min(max(limit, 1), MAX_LIMIT)
    offset = min(max(offset, 0), MAX_OFFSET)
    service_name = ""
    if service is not None:  # an unknown service matches nothing, as an unknown region or category does
        service_name = ServiceItem.objects.filter(pk=service).values_list("name", flat=True).first()
        if service_name is None:
            return {"count": 0, "items": []}
    result, institutions = search_public_institutions(
        q=q[:50], region=region[:12], category=category[:30], service=service_name, per_page=limit, offset=offset,
    )
    return {"count": result.total, "items": [to_public(inst) for inst in institutions]}


@directory_api.get("/institutions/{institution_id}", response=InstitutionDetailOut, summary="机构详情（含价格公示）")
def get_institution(request, institution_id: int):
    return to_public(get_object_or_404(public_institutions(), pk=institution_id), with_prices=True)
