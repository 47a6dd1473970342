"""A small public site (home with 鞍山 as its region, and four sections) and
the people who look after it: an editor of the whole site, county admins who
publish cases and answer messages, and a superuser."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, Site

from portal.pages.models import CaseIndexPage, HomePage, OutreachIndexPage, PolicyIndexPage, StandardPage
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS
from portal.registry.models import Region


def published(page, days_ago=1):
    """A page as Wagtail's publish leaves it: live, with its publication times."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    page.live = True
    page.first_published_at = page.last_published_at = when
    return page


def add(parent, page, days_ago=1):
    return parent.add_child(instance=published(page, days_ago))


def grant(group_name, page, *codenames):
    group = Group.objects.get(name=group_name)
    for codename in codenames:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@pytest.fixture
def site(regions, make_staff):
    make_staff("setup-only")  # ensure_groups has run
    root = Page.get_first_root_node()
    home = add(root, HomePage(title="首页", slug="home-test", region=Region.objects.get(code="210300")))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    sections = {
        "policies": add(home, PolicyIndexPage(title="政策文件", slug="zhengce", show_in_menus=True)),
        "outreach": add(home, OutreachIndexPage(title="宣传与反歧视", slug="xuanchuan", show_in_menus=True)),
        "cases": add(home, CaseIndexPage(title="优秀案例", slug="anli", show_in_menus=True)),
        "about": add(home, StandardPage(title="关于本站", slug="guanyu", show_in_menus=False)),
    }
    grant(EDITORS, home, "add_page", "change_page", "publish_page")
    for group in (COUNTY_ADMINS, CITY_ADMINS):
        grant(group, sections["cases"], "add_page", "change_page")
    return home, sections


@pytest.fixture
def people(site, make_staff):
    return {
        "editor": make_staff("editor", EDITORS),
        "tiedong": make_staff("tiedong", COUNTY_ADMINS, "210302"),
        "lishan": make_staff("lishan", COUNTY_ADMINS, "210304"),
        "anshan": make_staff("anshan", CITY_ADMINS, "210300"),
        "root": make_staff("root", None, superuser=True),
    }
