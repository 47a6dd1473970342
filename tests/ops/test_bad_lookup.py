"""ModelAdmin listings answer 400, not 500, to a parameter that is not one of their filters."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["search=x", "page=2", "county__nonexistent=1", "o=abc&ot=x&e=1&typo=1"])
def test_unknown_listing_parameters_are_a_bad_request(superuser, client, query, regions):
    client.force_login(superuser)
    response = client.get(f"/admin/registry/institution/?{query}")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


def test_known_filters_still_work(superuser, client, regions):
    client.force_login(superuser)
    assert client.get("/admin/registry/institution/?q=康复&p=1").status_code == 200
