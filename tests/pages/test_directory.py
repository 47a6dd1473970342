"""机构查询, 价格公示 and the directory JSON API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.registry.models import Institution, InstitutionCategory, OwnerDepartment, Region, ServiceItem

pytestmark = pytest.mark.django_db

STAFF_ONLY_MARK = "仅内部联系人ZZQ"


def mark_staff_only(institution):
    institution.contact_person = STAFF_ONLY_MARK
    institution.contact_phone = "13999990000"
    institution.save()


def add_institutions(count, county_code="210302"):
    county = Region.objects.get(code=county_code)
    services = list(ServiceItem.objects.all()[:3])
    for i in range(count):
        inst = Institution.objects.create(
            name=f"批量测试机构{Institution.objects.count()}-{i}", county=county, is_published=True,
            owner_department=OwnerDepartment.CIVIL_AFFAIRS, category=InstitutionCategory.COMMUNITY_REHAB,
        )
        inst.services.set(services)


def test_listing_filters_by_region_category_and_service(site_demo, client):
    published = Institution.objects.published()
    tiedong = published.filter(county__code="210302")
    html = client.get("/jigou/?region=210302").content.decode()
    assert f"共找到 {tiedong.count()} 家机构" in html
    other = published.exclude(county__code="210302").first()
    assert other.name not in html
    category = InstitutionCategory.FEDERATION_REHAB
    html = client.get(f"/jigou/?category={category}").content.decode()
    assert f"共找到 {published.filter(category=category).count()} 家机构" in html
    service = ServiceItem.objects.filter(institutions__is_published=True).first()
    html = client.get(f"/jigou/?service={service.pk}").content.decode()
    assert f"共找到 {published.filter(services=service).distinct().count()} 家机构" in html


def test_unpublished_institutions_are_not_listed(site_demo, client):
    hidden = Institution.objects.filter(is_published=False).first()
    assert hidden.name not in client.get("/jigou/?region=210300").content.decode()
    assert client.get(f"/jigou/{hidden.pk}/").status_code == 404


def test_detail_page_never_shows_staff_only_fields(site_demo, client):
    inst = Institution.objects.published().first()
    mark_staff_only(inst)
    html = client.get(f"/jigou/{inst.pk}/").content.decode()
    assert inst.name in html and "服务项目" in html and "价格公示" in html
    assert STAFF_ONLY_MARK not in html and "13999990000" not in html


def test_hostile_filter_values_do_not_break_the_page(site_demo, client):
    for query in ("region=%27%3Bdrop", "service=abc", "category=x" * 50, "page=999999", "page=-1", "q=" + "长" * 500):
        assert client.get(f"/jigou/?{query}").status_code == 200, query
    assert client.get("/jigou/abc/").status_code == 404


def test_price_board_shows_current_prices_and_history(site_demo, client):
    from portal.prices.models import PriceItem

    item = PriceItem.objects.filter(name="过渡性住宿").first()
    html = client.get(f"/jiage/{item.institution_id}/").content.decode()
    assert "720.00 元/月" in html and "600.00 元/月" in html  # current and the record
    assert "调价记录" in html and "+20.0%" in html
    assert "12315" in html
    nothing = Institution.objects.published().filter(price_items__isnull=True).first()
    assert client.get(f"/jiage/{nothing.pk}/").status_code == 404


def test_directory_api_lists_filters_and_hides_staff_fields(site_demo, client):
    inst = Institution.objects.published().filter(county__code="210302").first()
    mark_staff_only(inst)
    data = client.get("/api/directory/institutions?region=210302&limit=100").json()
    assert data["count"] == Institution.objects.published().filter(county__code="210302").count()
    assert inst.name in [i["name"] for i in data["items"]]
    body = client.get(f"/api/directory/institutions/{inst.pk}").content.decode()
    assert STAFF_ONLY_MARK not in body and "13999990000" not in body
    for field in Institution.staff_only_fields:
        assert f'"{field}"' not in body
    hidden = Institution.objects.filter(is_published=False).first()
    assert client.get(f"/api/directory/institutions/{hidden.pk}").status_code == 404


def test_directory_api_has_an_openapi_schema_without_staff_fields(db, client):
    schema = client.get("/api/directory/openapi.json").json()
    assert "/api/directory/institutions" in schema["paths"]
    assert "/api/directory/institutions/{institution_id}" in schema["paths"]
    text = str(schema)
    for field in Institution.staff_only_fields:
        assert field not in text


def test_wagtail_api_serves_pages(site_demo, client):
    data = client.get("/api/v2/pages/?type=pages.PolicyPage").json()
    assert data["meta"]["total_count"] == 5
    assert client.get("/api/v2/images/").status_code == 200
    assert client.get("/api/v2/documents/").status_code == 200


def count_queries(client, url):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/jigou/", "/jigou/?region=210300&service=1", "/jiage/", "/anli/", "/jinzhan/",
                                 "/lianxi/", "/api/directory/institutions"])
def test_query_count_does_not_grow_with_the_data(site_demo, client, url):
    from portal.pages.models import CaseIndexPage, CasePage

    before = count_queries(client, url)
    add_institutions(30)
    index = CaseIndexPage.objects.get()
    tiedong = Region.objects.get(code="210302")
    for i in range(15):
        index.add_child(instance=CasePage(title=f"批量案例{i}", slug=f"bulk-{i}", region=tiedong, theme="测试",
                                          summary="测试", live=True))
    assert count_queries(client, url) == before


@pytest.mark.parametrize("url", [
    "/api/v2/pages/?offset=99999999999999999999", "/api/v2/images/?offset=99999999999999999999",
    "/api/v2/documents/?offset=1000001",
])
def test_wagtail_api_refuses_offsets_beyond_any_listing(site_demo, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "offset" in response.json()["message"]


def test_wagtail_api_answers_an_empty_page_for_offsets_past_the_end(site_demo, client):
    data = client.get("/api/v2/pages/?offset=1000000").json()
    assert data["items"] == [] and data["meta"]["total_count"] > 0


def test_admin_api_refuses_huge_offsets_too(site_demo, admin_client):
    assert admin_client.get("/admin/api/main/pages/?offset=99999999999999999999").status_code == 400
    assert admin_client.get("/admin/api/main/pages/?offset=0").status_code == 200


def test_directory_api_answers_an_empty_page_for_huge_offsets(site_demo, client):
    data = client.get("/api/directory/institutions?offset=99999999999999999999").json()
    assert data["items"] == [] and data["count"] > 0


def test_directory_finds_words_not_substrings(site_demo, client):
    """Words in names, addresses and services, in any order; never unpublished ones."""
    published = Institution.objects.published()
    target = published.filter(county__code="210302", name__contains="康复驿站").first()
    html = client.get("/jigou/", {"q": "康复驿站 铁东"}).content.decode()  # not a substring of any name
    assert target.name in html
    service = target.services.first()
    html = client.get("/jigou/", {"q": service.name}).content.decode()
    assert target.name in html
    hidden = Institution.objects.filter(is_published=False).first()
    words = hidden.name[-4:]
    assert hidden.name not in client.get("/jigou/", {"q": words}).content.decode()
    data = client.get("/api/directory/institutions", {"q": "康复驿站 铁东"}).json()
    names = [i["name"] for i in data["items"]]
    assert target.name in names and data["count"] == len(names)
    assert hidden.name not in [i["name"] for i in client.get("/api/directory/institutions",
                                                             {"q": words, "limit": 100}).json()["items"]]


def test_directory_shows_counts_beside_the_filters(site_demo, client):
    published = Institution.objects.published()
    tiedong = published.filter(county__code="210302").count()
    html = client.get("/jigou/").content.decode()
    assert f"铁东区（{tiedong}）" in html
    category = InstitutionCategory.COMMUNITY_REHAB
    assert f"{category.label}（{published.filter(category=category).count()}）" in html
    service = ServiceItem.objects.filter(institutions__is_published=True).first()
    assert f"{service.name}（{published.filter(services=service).distinct().count()}）" in html
    # A category's count ignores the chosen category: it says what choosing it would give.
    html = client.get("/jigou/", {"category": InstitutionCategory.FEDERATION_REHAB}).content.decode()
    assert f"{category.label}（{published.filter(category=category).count()}）" in html


def test_directory_api_pages_with_offset_and_limit(site_demo, client):
    everything = client.get("/api/directory/institutions", {"limit": 100}).json()
    names = [i["name"] for i in everything["items"]]
    assert everything["count"] == Institution.objects.published().count() == len(names)
    window = client.get("/api/directory/institutions", {"limit": 3, "offset": 2}).json()
    assert [i["name"] for i in window["items"]] == names[2:5]
    assert client.get("/api/directory/institutions", {"service": 999999}).json() == {"count": 0, "items": []}


@pytest.mark.parametrize("url", ["/jigou/?q=康复", "/jigou/?q=康复&region=210300&category=community_rehab",
                                 "/api/directory/institutions?q=康复&limit=50"])
def test_word_search_query_count_does_not_grow_with_indexed_data(site_demo, client, url):
    from search import indexing

    before = count_queries(client, url)
    add_institutions(30)
    indexing.rebuild_database_index()
    assert count_queries(client, url) == before
