"""Site search over live public pages and published institutions, and the /search/ page."""

from datetime import date

import pytest
from wagtail.models import Page, PageViewRestriction

from search.site import search_site

pytestmark = pytest.mark.django_db


def titles(result):
    return [hit.title for hit in result.hits] if result else []


def test_streamfield_text_is_found_by_a_word_inside_it(make_home, search_backend, rebuild_index):
    make_home("工作动态", body="全市精神障碍社区康复服务站实现全覆盖")
    rebuild_index()
    result = search_site(q="康复", backend=search_backend)
    assert "工作动态" in titles(result)
    hit = next(h for h in result.hits if h.title == "工作动态")
    assert "<mark>康复</mark>" in hit.snippet_html
    # A site's home page is its own section, named for the public, not by page type.
    assert hit.section == "home" and hit.section_label == "网站首页"


def test_unpublished_and_restricted_pages_never_appear(make_home, search_backend, rebuild_index,
                                                        django_capture_on_commit_callbacks):
    make_home("公开页面", body="同伴支持小组活动")
    draft = make_home("草稿页面", body="同伴支持小组活动", publish=False)
    private = make_home("内部页面", body="同伴支持小组活动")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    rebuild_index()
    found = titles(search_site(q="同伴支持", backend=search_backend))
    assert "公开页面" in found
    assert "草稿页面" not in found and "内部页面" not in found
    assert draft.pk


def test_results_group_by_section_with_institutions(indexed_demo, make_home, search_backend, rebuild_index):
    make_home("康复驿站建设指南", body="如何建设康复驿站")
    rebuild_index()
    result = search_site(q="康复驿站", backend=search_backend)
    groups = dict(result.grouped())
    assert "网站首页" in groups and "机构查询" in groups
    sections = {f.value: f.count for f in result.facets["section"]}
    assert sections["home"] == 1
    only_pages = search_site(q="康复驿站", sections=["home"], backend=search_backend)
    assert titles(only_pages) == ["康复驿站建设指南"]
    # The section facet still offers the other sections when one is chosen.
    assert {f.value for f in only_pages.facets["section"]} >= {"home", "registry.institution"}


def test_date_filter(make_home, search_backend, rebuild_index):
    old = make_home("旧闻", body="有爱市集活动")
    new = make_home("新闻", body="有爱市集活动")
    Page.objects.filter(pk=old.pk).update(first_published_at="2023-05-01T08:00:00+08:00")
    Page.objects.filter(pk=new.pk).update(first_published_at="2025-05-01T08:00:00+08:00")
    rebuild_index()
    assert titles(search_site(q="有爱市集", date_from=date(2025, 1, 1), backend=search_backend)) == ["新闻"]
    assert titles(search_site(q="有爱市集", date_to="2024-01-01", backend=search_backend)) == ["旧闻"]


def test_search_page_renders_grouped_highlighted_results(client, indexed_demo, make_home, search_backend,
                                                          rebuild_index):
    make_home("服药训练指南", body="居家服药训练的要点")
    rebuild_index()
    response = client.get("/search/", {"q": "服药训练"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>服药训练</mark>" in html
    assert "网站首页</h2>" in html and "机构查询</h2>" in html


def test_search_page_empty_result_is_helpful(client, db):
    response = client.get("/search/", {"q": "不存在的词语 另一个"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有找到" in html and "减少搜索词试试" in html and "康复驿站" in html


def test_search_page_bad_input_is_a_clear_error_not_a_500(client, db):
    response = client.get("/search/", {"q": "康复", "date_from": "昨天", "page": "-3", "section": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "起始日期格式不对" in html
    long = client.get("/search/", {"q": "康" * 500})
    assert long.status_code == 200 and "搜索词太长" in long.content.decode()


@pytest.fixture
def indexed_site(site_demo):
    from search import indexing

    indexing.rebuild_database_index()
    return site_demo


def test_price_disclosure_words_find_the_price_section_and_its_boards(indexed_site):
    result = search_site(q="明码标价", page_size=50, backend="database")
    price_hits = [h for h in result.hits if h.section_label == "价格公示"]
    assert any(h.kind == "page" and h.title == "价格公示" for h in price_hits)
    boards = [h for h in price_hits if h.kind == "price_board"]
    assert boards and all(h.title.endswith("价格公示") and "/jiage/" in h.url for h in boards)
    # Boards and the price index page are one section in the filter, not two.
    assert [f.label for f in result.facets["section"]].count("价格公示") == 1
    only = search_site(q="明码标价", sections=["prices.board"], page_size=50, backend="database")
    assert only.total == len(price_hits)


def test_section_filter_uses_the_public_section_names(indexed_site, client):
    from search.views import _section_choices

    labels = [label for _, label in _section_choices()]
    for name in ("价格公示", "优秀案例", "政策文件", "宣传与反歧视", "机构查询"):
        assert name in labels
    for type_name in ("优秀案例栏目", "普通页面", "表单页", "政策文件栏目", "首页"):
        assert type_name not in labels
    assert len(labels) == len(set(labels))
    html = client.get("/search/", {"q": "康复"}).content.decode()
    assert "优秀案例栏目" not in html and "普通页面" not in html


def test_institution_hit_reads_like_a_listing_not_a_field_dump(indexed_site, client):
    result = search_site(q="服药训练", sections=["registry.institution"], backend="database")
    hit = result.hits[0]
    assert hit.kind == "institution" and hit.details["county"] and hit.details["category"]
    assert "<mark>服药训练</mark>" in hit.snippet_html
    # Not every field run together ("辽宁省鞍山市… 民政 社区康复服务机构 站点 …").
    assert f'{hit.details["department"]} {hit.details["category"]}' not in hit.snippet_html
    assert hit.snippet_html.startswith(("地址：", "…"))
    html = client.get("/search/", {"q": "服药训练", "section": "registry.institution"}).content.decode()
    assert f'{hit.details["county"]} · {hit.details["category"]}' in html


def test_a_rebuild_reports_progress_against_what_it_writes(site_demo):
    from search import items

    written = sum(len(batch) for batch in items.all_items())
    assert written > 0 and items.count_items() == written
