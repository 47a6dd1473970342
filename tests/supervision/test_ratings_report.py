"""报告 → 留言评价汇总: ratings rolled up per region, within the user's regions."""

import pytest

from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS
from portal.supervision.models import MessageRating, MessageStatus, SupervisionMessage

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/supervision-ratings/"


def rated(region, *ratings):
    for rating in ratings:
        message = SupervisionMessage.objects.create(region=region, concerns="某站", content="内容",
                                                    status=MessageStatus.ANSWERED, reply="答复")
        MessageRating.objects.create(message=message, rating=rating, comment="意见WALLCOMMENT")


@pytest.fixture
def ratings(regions):
    rated(regions["210302"], "satisfied", "satisfied", "dissatisfied")  # 铁东区
    rated(regions["210304"], "basically_satisfied")  # 立山区
    rated(regions["210300"], "satisfied")  # 鞍山市 itself
    rated(regions["210202"], "dissatisfied", "dissatisfied")  # 大连 中山区


def rows(response):
    return {row.label: (row.satisfied, row.basically_satisfied, row.dissatisfied, row.total)
            for row in response.context["object_list"]}


def test_a_city_admin_sees_its_counties_and_its_own_level(client, make_staff, ratings):
    client.force_login(make_staff("anshan", CITY_ADMINS, "210300"))
    response = client.get(REPORT)
    assert response.status_code == 200
    found = rows(response)
    assert found["鞍山市（本级）"] == (1, 0, 0, 1)
    assert found["铁东区"] == (2, 0, 1, 3)
    assert found["立山区"] == (0, 1, 0, 1)
    assert "中山区" not in found and "大连市" not in found
    total = response.context["total_row"]
    assert (total.total, total.satisfaction) == (5, "80.0%")
    html = response.content.decode()
    assert "WALLCOMMENT" not in html  # counts only


def test_a_province_admin_sees_cities_and_drills_down(client, make_staff, ratings, regions):
    client.force_login(make_staff("liaoning", PROVINCE_ADMINS, "210000"))
    found = rows(client.get(REPORT))
    assert found["鞍山市"] == (3, 1, 1, 5) and found["大连市"] == (0, 0, 2, 2)
    response = client.get(REPORT, {"region": regions["210300"].pk})
    assert rows(response)["铁东区"] == (2, 0, 1, 3)
    assert "大连市" not in rows(response)


def test_a_county_admin_cannot_look_at_another_region(client, make_staff, ratings, regions):
    client.force_login(make_staff("tiedong", COUNTY_ADMINS, "210302"))
    found = rows(client.get(REPORT))
    assert found == {"铁东区（本级）": (2, 0, 1, 3)}
    response = client.get(REPORT, {"region": regions["210200"].pk})
    # Not a choice for this user: the filter is ignored as invalid, nothing of 大连 is counted.
    assert "大连市" not in rows(response) and response.context["total_row"].total == 3


def test_the_report_needs_the_inbox_permission(client, make_staff, ratings):
    client.force_login(make_staff("nobody", None, "210302"))
    assert client.get(REPORT).status_code in (302, 403)
