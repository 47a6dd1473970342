"""What inspectors look for on the public site: 网站地图, sitemap.xml and 纠错 on every page."""

import re
import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Page, PageViewRestriction

from portal.pages.models import PolicyPage, StandardPage
from portal.supervision.models import MessageStatus, MessageType, SupervisionMessage
from portal.supervision.workdays import add_working_days

from .conftest import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site):
    """A site with a live page, a live page below a draft, a draft, and restricted pages."""
    home, sections = site
    add(sections["policies"], PolicyPage(title="实施意见", slug="yijian", issuer="民政厅"))
    draft_parent = add(home, StandardPage(title="草稿栏目", slug="caogao"))
    orphan = add(draft_parent, StandardPage(title="草稿栏目下的公开页", slug="gongkai"))
    draft_parent.unpublish()
    add(home, StandardPage(title="未发布页面", slug="weifabu")).unpublish()
    private = add(home, StandardPage(title="内部资料", slug="neibu"))
    add(private, StandardPage(title="内部资料附页", slug="fuye"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    public = [home, *sections.values(), PolicyPage.objects.get(), orphan]
    hidden = ["草稿栏目", "未发布页面", "内部资料", "内部资料附页"]
    return public, hidden


def test_the_html_site_map_lists_every_live_public_page_and_no_other(client, pages):
    public, hidden = pages
    response = client.get("/wangzhanditu/")
    assert response.status_code == 200
    html = response.content.decode()
    links = dict(re.findall(r'<a href="([^"]+)">([^<]+)</a>', html[html.index("<h1>网站地图"):html.index("</main>")]))
    home, *others = public
    assert links.get(home.url) == "首页"
    for page in others:
        assert links.get(page.url) == page.title, page.title
    assert not set(hidden) & set(links.values())
    assert f"本站共 {len(public)} 个页面" in html


def test_sitemap_xml_lists_the_same_pages(client, pages):
    public, hidden = pages
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in ET.fromstring(response.content).findall("s:url/s:loc", namespace)]
    assert sorted(locations) == sorted(page.get_full_url() for page in public)


def test_every_public_page_has_site_map_and_error_report_links(client, pages):
    public, hidden = pages
    for page in public:
        html = client.get(page.url).content.decode()
        assert '<a href="/wangzhanditu/">网站地图</a>' in html, page.url
        assert f'<a href="/jiucuo/?page={page.url}">我要纠错</a>' in html, page.url


def report(client, page="/zhengce/yijian/", **fields):
    data = {"page": page, "kind": "错别字或表述错误", "content": "第二段“康服”应为“康复”。", "contact_name": "",
            "contact_phone": "", "contact_email": "", "homepage": "", **fields}
    return client.post("/jiucuo/", data)


def test_the_error_report_form_names_the_page(client, pages):
    html = client.get("/jiucuo/", {"page": "/zhengce/yijian/"}).content.decode()
    assert '您要纠错的页面：<a href="/zhengce/yijian/">实施意见</a>' in html
    assert "3 个工作日内" in html
    # A routed sub-page is named after its page; anything off the site is dropped.
    assert "实施意见" in client.get("/jiucuo/", {"page": "/zhengce/yijian/extra/"}).content.decode()
    for outside in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        html = client.get("/jiucuo/", {"page": outside}).content.decode()
        form = html[html.index('id="error-report-heading"'):]
        assert "您要纠错的页面" not in form and '<input type="hidden" name="page" id="id_page">' in form
        assert "evil" not in form and "javascript:" not in form


def test_an_error_report_reaches_the_inbox_of_the_sites_region_due_in_three_working_days(client, pages, people):
    response = report(client)
    assert response.status_code == 302
    message = SupervisionMessage.objects.get()
    assert response["Location"] == f"/jiucuo/thanks/?ref={message.reference}"
    assert message.message_type == MessageType.ERROR_REPORT
    assert message.region.code == "210300"  # 首页 → 本站区划: 鞍山市
    assert message.concerns == "网页纠错：实施意见"
    assert message.content.startswith("页面：实施意见（/zhengce/yijian/）\n错误类型：错别字或表述错误")
    assert message.due_date == add_working_days(message.received_at.astimezone().date(), 3)
    thanks = client.get(response["Location"]).content.decode()
    assert message.reference in thanks and "3 个工作日内" in thanks
    client.force_login(people["anshan"])
    assert message.reference in client.get("/admin/supervision/supervisionmessage/").content.decode()
    client.force_login(people["tiedong"])
    assert message.reference not in client.get("/admin/supervision/supervisionmessage/").content.decode()


def test_an_error_report_past_its_due_date_is_in_the_report(client, pages, people):
    from django.utils import timezone

    from portal.inspection.indicators import build_report

    report(client)
    SupervisionMessage.objects.update(due_date=timezone.localdate() - timezone.timedelta(days=1))
    messages = next(s for s in build_report(people["anshan"]).sections if s.indicator.code == "messages")
    assert [i.problem.split("的")[0] for i in messages.items] == ["网页纠错"]
    SupervisionMessage.objects.update(status=MessageStatus.ANSWERED, reply="已更正。")
    messages = next(s for s in build_report(people["anshan"]).sections if s.indicator.code == "messages")
    assert messages.items == []


def test_a_bad_report_is_a_400_in_chinese_and_stores_nothing(client, pages):
    response = report(client, content="", kind="", contact_phone="12")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请描述页面上的错误。" in html and "请选择错误类型。" in html and "联系电话格式不正确" in html
    assert not SupervisionMessage.objects.exists()


def test_a_filled_honeypot_stores_nothing(client, pages):
    assert report(client, homepage="http://spam.example/").status_code == 302
    assert not SupervisionMessage.objects.exists()


def test_reports_are_rate_limited_with_the_supervision_forms_limit(client, pages):
    from portal.supervision.models import SupervisionSettings

    settings = SupervisionSettings.load()
    settings.messages_per_hour = 2
    settings.save()
    assert [report(client).status_code for _ in range(3)] == [302, 302, 429]
    assert SupervisionMessage.objects.count() == 2


def test_a_site_without_a_region_lets_the_visitor_choose(client, pages, regions):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    home.region = None
    home.save()
    html = client.get("/jiucuo/", {"page": "/"}).content.decode()
    assert 'name="region"' in html
    assert report(client, page="/").status_code == 400
    assert report(client, page="/", region=regions["210304"].pk).status_code == 302
    assert SupervisionMessage.objects.get().region.code == "210304"


@pytest.mark.parametrize("value", ["\x00", "/\x00/"])
def test_a_nul_in_the_page_value_is_a_400_in_a_url_and_dropped_in_a_form(client, pages, value):
    # portal/ops/middleware.BadInputMiddleware refuses NUL in every URL; the form cleans the path.
    assert client.get("/jiucuo/", {"page": value}).status_code == 400
    assert report(client, page=value).status_code == 302
    assert "\x00" not in SupervisionMessage.objects.get().content


@pytest.mark.parametrize("value", ["'\"<>", "a" * 5000, "/%00/", "/" + "康" * 3000, "%ZZ", "?page=/"])
def test_hostile_page_values_get_a_clean_answer(client, pages, value):
    assert client.get("/jiucuo/", {"page": value}).status_code == 200
    response = report(client, page=value)
    assert response.status_code == 302
    assert "<" not in SupervisionMessage.objects.latest("received_at").content.split("\n")[0]


def test_hostile_input_in_the_report_itself_is_a_400(client, pages):
    assert report(client, content="\x00").status_code == 400
    assert report(client, content="错" * 3001).status_code == 400
    assert report(client, kind="不存在的类型").status_code == 400
    assert not SupervisionMessage.objects.exists()
    assert client.get("/jiucuo/thanks/", {"ref": "<script>"}).status_code == 200
    assert "<script>" not in client.get("/jiucuo/thanks/", {"ref": "<script>"}).content.decode()


@pytest.mark.parametrize("url", ["/wangzhanditu/", "/jiucuo/?page=/", "/jiucuo/thanks/?ref=JK20260101-ABC123"])
def test_the_public_pages_carry_no_inline_code(client, pages, url):
    from tests.security.test_headers import assert_no_inline_code, policy

    response = client.get(url)
    assert policy(response)["script-src"] == ["'self'"] and policy(response)["style-src"] == ["'self'"]
    assert_no_inline_code(response.content.decode())
