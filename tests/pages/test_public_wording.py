"""What the public site says, as a citizen reads it (issue 12, items 7–10): titles,
breadcrumbs, the tasks page in public wording, policies with their real status
and dates, events labelled by date, invented figures marked （示例）."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.pages.models import OutreachKind, OutreachPage, PolicyPage, PolicyStatus

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


def crumbs_of(html):
    nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)[1]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)]


def test_the_home_title_names_the_site_once_and_other_pages_add_it(site_demo, client):
    assert title_of(html_of(client, "/")) == "精康融合行动服务平台"
    assert title_of(html_of(client, "/zhengce/")) == "政策文件 - 精康融合行动服务平台"


def test_a_routed_institution_page_has_its_section_in_the_breadcrumbs(site_demo, client):
    from portal.registry.models import Institution

    institution = Institution.objects.published().filter(price_items__isnull=False).first()
    assert crumbs_of(html_of(client, f"/jigou/{institution.pk}/")) == ["首页", "机构查询", institution.name]
    assert crumbs_of(html_of(client, f"/jiage/{institution.pk}/")) == [
        "首页", "价格公示", f"{institution.name}价格公示"]
    assert crumbs_of(html_of(client, "/zhengce/policy-1/"))[:2] == ["首页", "政策文件"]


def test_the_tasks_page_uses_public_wording_and_never_says_overdue(site_demo, client):
    from portal.registry.models import Task, TaskStatus

    # Every task past its deadline and not started: the back office sees 29 overdue tasks.
    Task.objects.update(status=TaskStatus.NOT_STARTED)
    today = timezone.localdate()
    assert Task.objects.overdue(today).count() == 29
    html = html_of(client, "/lianxi/")
    assert "逾期" not in html and 'class="overdue"' not in html and "未开始" not in html
    assert "时间节点" in html and html.count("待推进") == 29
    assert Task.objects.first().public_status == "待推进"


def test_published_questions_are_not_repeated_as_their_own_heading(site_demo, client):
    from portal.supervision.models import SupervisionMessage

    question = SupervisionMessage.objects.published_qa().first().public_question
    html = html_of(client, "/jiandu/")
    assert html.count(question[:20]) == 1


def test_internal_words_stay_internal(site_demo, client):
    for url in ["/", "/jiandu/", "/lianxi/", "/jinzhan/"]:
        assert "兜底" not in html_of(client, url), url


def test_the_sites_own_region_comes_first_then_the_documents_dates(site_demo, client):
    titles = [p.title for p in PolicyPage.objects.all()]
    anshan = next(t for t in titles if t.startswith("鞍山市"))
    rugao = next(t for t in titles if "如皋" in t)
    for url in ["/", "/zhengce/"]:
        html = html_of(client, url)
        assert html.index(anshan) < html.index(rugao), url
    listing = html_of(client, "/zhengce/")
    # Then newest first by the document's date: 如皋 2025, 上海 2023-10, 吉林 2023-07, 吉林 2018.
    order = [listing.index(number) for number in ("沪民残福发〔2023〕4号", "吉民发〔2023〕40号", "吉民发〔2018〕70号")]
    assert listing.index(rugao) < order[0] and order == sorted(order)


def test_a_draft_for_comment_is_not_valid_and_policies_carry_the_documents_dates(site_demo, client):
    draft = PolicyPage.objects.get(title__contains="征求意见稿")
    assert draft.status == PolicyStatus.CONSULTATION and draft.get_status_display() == "征求意见稿"
    assert "征求意见稿" in html_of(client, "/zhengce/?status=consultation")
    assert draft.title not in html_of(client, "/zhengce/?status=valid")

    old = PolicyPage.objects.get(document_number="吉民发〔2018〕70号")
    assert old.written_date == datetime.date(2018, 12, 12)
    shanghai = PolicyPage.objects.get(document_number="沪民残福发〔2023〕4号")
    # Posted on the document's 发布日期, not when the demo was loaded.
    assert timezone.localtime(shanghai.first_published_at).date() == datetime.date(2023, 10, 16)
    assert "2023-10-16 09:00" in html_of(client, shanghai.url)


def test_the_signature_is_a_right_aligned_block(site_demo, client):
    shanghai = PolicyPage.objects.get(document_number="沪民残福发〔2023〕4号")
    html = html_of(client, shanghai.url)
    signature = re.search(r'<p class="doc-signature">(.*?)</p>', html, re.S)[1]
    assert "上海市残疾人联合会" in signature and signature.rstrip().endswith("2023年 10月 7日")


def test_an_event_is_announced_until_its_day_and_reviewed_after(site_demo, client):
    event = OutreachPage.objects.filter(kind=OutreachKind.EVENT).first()
    assert event.date < timezone.localdate()
    assert event.kind_label == "活动回顾"
    assert "活动预告" not in html_of(client, event.url)
    event.date = timezone.localdate() + datetime.timedelta(days=3)
    assert event.kind_label == "活动预告"


def test_invented_progress_figures_are_marked_as_samples(site_demo, client):
    progress = html_of(client, "/jinzhan/")
    assert "示例数据" in progress and "年度进展与目标（示例）" in progress
    home = html_of(client, "/")
    panel = home[home.index('id="progress-heading"'):]
    panel = panel[:panel.index("</section>")]
    assert panel.count('<span class="sample">（示例）</span>') == 2


def test_real_figures_are_not_marked(site_demo, client):
    from django.core.cache import cache

    from portal.reporting.models import ReportingRound

    ReportingRound.objects.update(is_sample=False)
    cache.clear()
    assert "示例数据" not in html_of(client, "/jinzhan/")


def test_a_national_policy_counts_as_the_sites_own(site_demo):
    from portal.pages.models.policies import ordered_for_site

    national = PolicyPage.objects.get(document_number="吉民发〔2018〕70号")
    national.region = None
    national.save()
    titles = [p.title for p in ordered_for_site(PolicyPage.objects.all(), site_demo.region)]
    assert titles.index(national.title) < titles.index(next(t for t in titles if "如皋" in t))
    # Without a site region: newest first by the document's date, the undated draft last.
    assert "征求意见稿" in [p.title for p in ordered_for_site(PolicyPage.objects.all(), None)][-1]
