"""A slug already used by a sibling (an autosaved, abandoned draft) gets a suffix, not an error."""

import pytest
from wagtail.models import Page

from portal.pages.forms import pinyin_slug, unique_slug
from portal.pages.models import CaseIndexPage, CasePage, StandardPage
from portal.registry.models import Region

from .test_cases import add_url, case_form, editors  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(db):
    root = Page.get_first_root_node()
    return root.add_child(instance=StandardPage(title="栏目", slug="lanmu"))


def child(parent, slug):
    return parent.add_child(instance=StandardPage(title=slug, slug=slug, live=False))


def test_a_free_slug_is_kept(parent):
    child(parent, "tongban")
    assert unique_slug("jiating", parent) == "jiating"


def test_a_taken_slug_gets_the_next_free_number(parent):
    child(parent, "tongban")
    assert unique_slug("tongban", parent) == "tongban-2"
    child(parent, "tongban-2")
    assert unique_slug("tongban", parent) == "tongban-3"


def test_the_page_itself_does_not_count(parent):
    page = child(parent, "tongban")
    assert unique_slug("tongban", parent, page) == "tongban"


def test_only_siblings_count(parent):
    other = Page.get_first_root_node().add_child(instance=StandardPage(title="别处", slug="biechu"))
    child(other, "tongban")
    assert unique_slug("tongban", parent) == "tongban"


def test_a_long_slug_stays_within_255_characters(parent):
    long = "x" * 255
    child(parent, long)
    suffixed = unique_slug(long, parent)
    assert len(suffixed) == 255 and suffixed.endswith("-2")


def test_starting_a_case_again_after_an_abandoned_draft_works(client, editors):
    client.force_login(editors["county"])
    tiedong = Region.objects.get(code="210302")
    # The first attempt: autosave (a background JSON request) creates the draft; the editor leaves.
    first = client.post(add_url(), case_form(tiedong), headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.json()["success"]
    # The second attempt with the same title, and so the same slug.
    second = client.post(add_url(), case_form(tiedong), headers={"Accept": "application/json"})
    assert second.status_code == 200, second.content.decode()[:2000]
    assert second.json()["success"]
    assert second.json()["field_updates"]["slug"] == "tongban-2"  # the open editor is told
    assert set(CasePage.objects.filter(slug__startswith="tongban").values_list("slug", flat=True)) == {"tongban", "tongban-2"}
    # A plain save says so in Chinese.
    response = client.post(add_url(), case_form(tiedong), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "缩略名（网址中的页面名称）“tongban”已被本栏目下的另一个页面使用" in html and "已自动改为“tongban-3”" in html
    assert CaseIndexPage.objects.get().get_children().filter(slug__startswith="tongban").count() == 3


def test_a_chinese_title_becomes_a_short_pinyin_slug():
    assert pinyin_slug("同伴支持让康复者走出家门（示例）") == "tongban-zhichi-rang-kangfuzhe-zouchu-jiamen-shili"
    assert pinyin_slug("2025年铁东区康复驿站开放日") == "2025-nian-tiedongqu-kangfu-yizhan-kaifangri"
    long = pinyin_slug("关于印发《“精康融合行动”实施方案》的通知" * 5)
    assert len(long) <= 60 and not long.endswith("-") and long.isascii()


def test_a_new_case_with_a_chinese_slug_gets_pinyin_and_the_suffix_rule_still_applies(client, editors):
    client.force_login(editors["county"])
    tiedong = Region.objects.get(code="210302")
    data = case_form(tiedong)
    data["slug"] = "同伴支持小组"  # what Wagtail's title sync produces
    first = client.post(add_url(), data, headers={"Accept": "application/json"})
    assert first.status_code == 200 and first.json()["success"]
    assert first.json()["field_updates"]["slug"] == "tongban-zhichi-xiaozu"  # the open editor is told
    second = client.post(add_url(), data, headers={"Accept": "application/json"})
    assert second.json()["field_updates"]["slug"] == "tongban-zhichi-xiaozu-2"
    assert set(CasePage.objects.filter(title="同伴支持小组").values_list("slug", flat=True)) == {
        "tongban-zhichi-xiaozu", "tongban-zhichi-xiaozu-2"}


def test_a_page_once_published_keeps_its_address(parent):
    from portal.pages.forms import wants_pinyin

    page = child(parent, "旧栏目")
    assert wants_pinyin("旧栏目", page)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not wants_pinyin("旧栏目", page) and page.slug == "旧栏目"
    assert not wants_pinyin("tongban", None)
