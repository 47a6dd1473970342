"""The admin logs out by POST only: a link or an image (GET) cannot sign anyone out."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    return client


def test_get_shows_a_confirmation_and_keeps_the_session(signed_in):
    response = signed_in.get("/admin/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "确定要退出登录吗" in html and 'method="post"' in html
    assert signed_in.get("/admin/").status_code == 200  # still signed in


def test_post_without_the_csrf_token_does_not_log_out(signed_in):
    assert signed_in.post("/admin/logout/").status_code == 403
    assert signed_in.get("/admin/").status_code == 200


def test_post_from_the_confirmation_logs_out(signed_in):
    token = signed_in.get("/admin/logout/").context["csrf_token"]
    response = signed_in.post("/admin/logout/", {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert signed_in.get("/admin/").status_code == 302  # to the login page


def test_anonymous_get_goes_to_the_login_page(client):
    response = client.get("/admin/logout/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
