"""Input no view can use answers 400, not 500 (listings: registry/admin_base.ScopedIndexView;
NUL anywhere: portal/ops/middleware.BadInputMiddleware)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["search=x", "page=2", "county__nonexistent=1", "o=abc&ot=x&e=1&typo=1"])
def test_unknown_listing_parameters_are_a_bad_request(superuser, client, query, regions):
    client.force_login(superuser)
    response = client.get(f"/admin/registry/institution/?{query}")
    assert response.status_code == 400
    assert "列表不支持以下查询参数" in response.content.decode()


def test_known_filters_still_work(superuser, client, regions):
    client.force_login(superuser)
    assert client.get("/admin/registry/institution/?q=康复&p=1").status_code == 200


@pytest.mark.parametrize("url", [
    "/api/directory/institutions?category=%00", "/api/v2/pages/?locale=a%00", "/search/?q=%00",
    "/?%00=1", "/xuanchuan/?tag=x%00y", "/jigou%00/", "/admin/login/?next=%00",
])
def test_a_nul_character_anywhere_in_the_url_is_a_bad_request(client, url):
    # PostgreSQL refuses NUL in any text value: every filter given one was a 500 there.
    response = client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
