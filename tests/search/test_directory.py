"""Faceted directory search: the same behaviour on every backend."""

import pytest

from portal.registry.models import Institution, InstitutionCategory, OwnerDepartment, Region, ServiceItem
from search.directory import search_institutions

pytestmark = pytest.mark.django_db

TIEDONG, ANSHAN, LIAONING = "210302", "210300", "210000"


def names(result):
    return [hit.title for hit in result.hits]


def facet(result, name):
    return {v.value: v.count for v in result.facets[name]}


def test_two_character_word_inside_a_long_name_is_found(indexed_demo, search_backend):
    result = search_institutions(q="康复", page_size=100, backend=search_backend)
    assert result.total > 0
    assert any("精神障碍社区康复服务站" in n for n in names(result))
    assert all(hit.kind == "institution" for hit in result.hits)


def test_every_query_word_must_be_found(indexed_demo, search_backend):
    both = search_institutions(q="铁东 康复驿站", page_size=100, backend=search_backend)
    assert both.total >= 1
    assert all("铁东" in n and "康复驿站" in n for n in names(both))


def test_domain_word_query_finds_services(indexed_demo, search_backend):
    with_service = set(
        Institution.objects.published().filter(services__name="服药训练").values_list("name", flat=True)
    )
    result = search_institutions(q="服药训练", page_size=100, backend=search_backend)
    assert with_service and with_service <= set(names(result))


def test_unpublished_institutions_never_appear_in_public_results(indexed_demo, search_backend):
    hidden = Institution.objects.filter(is_published=False)
    assert hidden.exists()
    result = search_institutions(q="康复", page_size=100, backend=search_backend)
    assert not set(hidden.values_list("name", flat=True)) & set(names(result))
    everything = search_institutions(page_size=100, backend=search_backend)
    assert everything.total == Institution.objects.published().count()


def test_region_filter_at_city_and_county_level(indexed_demo, search_backend):
    county = search_institutions(region=TIEDONG, page_size=100, backend=search_backend)
    expected = Institution.objects.published().filter(county__code=TIEDONG).count()
    assert county.total == expected > 0
    city = search_institutions(region=ANSHAN, page_size=100, backend=search_backend)
    assert city.total == Institution.objects.published().filter(county__path__startswith=Region.objects.get(code=ANSHAN).path).count()
    assert city.total > county.total


def test_region_facet_counts_the_children_of_the_chosen_region(indexed_demo, search_backend):
    result = search_institutions(region=ANSHAN, backend=search_backend)
    counts = facet(result, "region")
    assert counts[TIEDONG] == Institution.objects.published().filter(county__code=TIEDONG).count()
    assert sum(counts.values()) == result.total
    top = search_institutions(backend=search_backend)
    assert facet(top, "region") == {LIAONING: top.total}


def test_department_category_and_service_filters_with_counts(indexed_demo, search_backend):
    published = Institution.objects.published()
    result = search_institutions(department=OwnerDepartment.HEALTH, backend=search_backend)
    assert result.total == published.filter(owner_department=OwnerDepartment.HEALTH).count()
    # A facet's own counts ignore its own filter: the other departments stay visible.
    departments = facet(result, "department")
    assert departments[OwnerDepartment.CIVIL_AFFAIRS] == published.filter(owner_department=OwnerDepartment.CIVIL_AFFAIRS).count()
    assert [v.label for v in result.facets["department"]] == ["民政", "卫健", "残联"]
    # Other facets are counted within the filtered set.
    categories = facet(result, "category")
    assert categories[InstitutionCategory.PRIMARY_HEALTH] == result.total

    service = ServiceItem.objects.filter(institutions__is_published=True).first()
    by_service = search_institutions(service=service.name, backend=search_backend)
    assert by_service.total == published.filter(services=service).count()
    assert facet(search_institutions(backend=search_backend), "service")[service.name] == by_service.total

    category = search_institutions(category=InstitutionCategory.FEDERATION_REHAB, backend=search_backend)
    assert category.total == published.filter(category=InstitutionCategory.FEDERATION_REHAB).count()


def test_highlights_mark_the_words_found(indexed_demo, search_backend):
    result = search_institutions(q="康复驿站", backend=search_backend)
    assert result.hits
    assert "<mark>康复驿站</mark>" in result.hits[0].title_html


def test_highlighting_escapes_html(indexed_demo, search_backend, django_capture_on_commit_callbacks, rebuild_index):
    inst = Institution.objects.published().first()
    inst.introduction = "<script>alert(1)</script>同伴支持小组"
    with django_capture_on_commit_callbacks(execute=True):
        inst.save()
    rebuild_index()
    result = search_institutions(q="同伴支持小组", backend=search_backend)
    html = "".join(h.snippet_html for h in result.hits)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sort_by_name_and_pagination(indexed_demo, search_backend):
    first = search_institutions(sort="name", page=1, page_size=10, backend=search_backend)
    second = search_institutions(sort="name", page=2, page_size=10, backend=search_backend)
    assert first.total > 10 and first.num_pages == -(-first.total // 10)
    assert len(first.hits) == 10
    assert not set(names(first)) & set(names(second))
    assert names(first) == sorted(names(first))


def test_sort_by_distance_puts_the_nearest_first(indexed_demo, search_backend, rebuild_index):
    near, far = Institution.objects.published().filter(latitude__isnull=True)[:2]
    Institution.objects.filter(pk=near.pk).update(latitude="41.10", longitude="123.00")
    Institution.objects.filter(pk=far.pk).update(latitude="41.90", longitude="123.90")
    rebuild_index()
    result = search_institutions(sort="distance", near=(41.10, 123.00), page_size=100, backend=search_backend)
    ordered = [h.object_id for h in result.hits if h.distance_km is not None]
    assert ordered[:1] == [near.pk]
    assert far.pk in ordered and ordered.index(far.pk) > 0
    assert result.hits[0].distance_km < 2
    # Institutions without coordinates come after those with them.
    assert [h.distance_km is None for h in result.hits] == sorted(h.distance_km is None for h in result.hits)


def test_hostile_input_is_harmless(indexed_demo, search_backend):
    for q in ['"', "'", '" OR 1=1 --', "康复\"*", "NEAR(", "{title}:x", "a" * 5000, "\x00", "：；、", "*"]:
        result = search_institutions(q=q, region="x'--", service='"', page="abc", sort="bogus",
                                     near=("x", None), backend=search_backend)
        assert result.total >= 0


def test_staff_search_is_scoped_to_their_regions(county_admin, superuser, rebuild_index, search_backend):
    rebuild_index()
    scoped = search_institutions(q="康复", user=county_admin, page_size=100, backend=search_backend)
    in_scope = Institution.objects.filter(county__code=TIEDONG)
    assert scoped.total > 0
    assert set(names(scoped)) <= set(in_scope.values_list("name", flat=True))
    # Staff also find unpublished institutions of their own region.
    unpublished = in_scope.filter(is_published=False).first()
    staff_all = search_institutions(user=county_admin, page_size=100, backend=search_backend)
    assert unpublished.name in names(staff_all)
    everyone = search_institutions(user=superuser, page_size=100, backend=search_backend)
    assert everyone.total == Institution.objects.count()
