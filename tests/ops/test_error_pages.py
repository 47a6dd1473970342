import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings

HOTLINE = "12345"
INTERNALS = ("Traceback", "hunter2", "internal reason", "secret internal detail", "Django", "Wagtail", "Python", "5.2", "DEBUG")


def assert_chinese_page_without_internals(response, status, heading):
    assert response.status_code == status
    text = response.content.decode()
    assert heading in text
    assert HOTLINE in text and "热线" in text
    assert '<html lang="zh-CN">' in text
    for leak in INTERNALS:
        assert leak not in text, leak


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_404_page(anonymous):
    assert_chinese_page_without_internals(anonymous.get("/no-such-page/"), 404, "页面不存在")


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_500_page(anonymous):
    assert_chinese_page_without_internals(anonymous.get("/test-errors/boom/"), 500, "服务暂时不可用")


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_403_page(anonymous):
    assert_chinese_page_without_internals(anonymous.get("/test-errors/forbidden/"), 403, "没有访问权限")


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_400_page(anonymous):
    assert_chinese_page_without_internals(anonymous.get("/test-errors/bad/"), 400, "请求有误")


@pytest.mark.django_db
def test_unknown_host_gets_the_400_page(anonymous):
    assert_chinese_page_without_internals(anonymous.get("/", HTTP_HOST="attacker.example"), 400, "请求有误")


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert_chinese_page_without_internals(response, 403, "页面已过期")


@override_settings(PUBLIC_HOTLINE="0412-12349")
def test_500_template_needs_no_database_or_request():
    # No django_db mark: any query here would fail the test.
    html = render_to_string("500.html")
    assert "服务暂时不可用" in html and "0412-12349" in html
    assert "<script" not in html and "style=" not in html
