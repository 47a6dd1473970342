"""The 帮助 menu points at the portal's own Chinese help page, not Wagtail's English guide."""

import json
import re

import pytest

from portal.registry.groups import COUNTY_ADMINS

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(make_staff, regions):
    return make_staff("tiedong", COUNTY_ADMINS, "210302")


def help_menu(html):
    props = json.loads(re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)[1])
    text = json.dumps(props, ensure_ascii=False)
    return text


def test_the_help_page_is_chinese_and_for_staff_only(client, county):
    assert client.get("/admin/help/").status_code == 302  # to the login
    client.force_login(county)
    response = client.get("/admin/help/")
    assert response.status_code == 200
    html = response.content.decode()
    for section in ("账号与登录", "优秀案例的提交与逐级审核", "监督留言：办理、答复、回访与评价", "转到第一处错误"):
        assert section in html


def test_the_help_menu_and_the_dashboard_lead_to_it_and_not_to_the_wagtail_guide(client, county):
    client.force_login(county)
    html = client.get("/admin/").content.decode()
    menu = help_menu(html)
    assert '"url": "/admin/help/"' in menu and "使用帮助" in menu
    assert "guide.wagtail.org" not in html and "editor-guide" not in menu and "whats-new" not in menu
    # The account summary on the dashboard, too.
    assert 'href="/admin/help/">使用帮助</a>' in html
    assert "Things in Wagtail" not in html
