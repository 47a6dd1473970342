"""A page preview is framed by the admin: it carries the admin's policy, the live page the public one."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page

from portal.pages.models import StandardPage

from .test_headers import policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_page(regions):
    return Page.get_first_root_node().add_child(instance=StandardPage(title="预览测试", slug="preview-test"))


def test_the_preview_may_be_framed_by_the_admin(standard_page, superuser):
    request = RequestFactory().get("/admin/pages/1/edit/preview/")
    request.user = superuser
    response = standard_page.make_preview_request(request)
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == ["'self'"]


def test_the_live_page_still_may_not_be_framed(client, standard_page):
    from wagtail.models import Site

    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": standard_page})
    response = client.get("/")
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == ["'none'"]
