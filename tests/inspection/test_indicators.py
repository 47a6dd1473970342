"""Each kind of problem: created, listed for the people who fix it (and no one
else), gone once fixed."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText

from portal.inspection.indicators import build_report
from portal.inspection.models import InspectionSettings, SectionInterval
from portal.pages.models import CasePage, OutreachKind, OutreachPage, PolicyPage, PolicyStatus, StandardPage
from portal.registry.models import Region
from portal.supervision.models import MessageCallback, MessageStatus, Rating, SupervisionMessage

from .conftest import add

pytestmark = pytest.mark.django_db


def items(user, code):
    return next(s.items for s in build_report(user).sections if s.indicator.code == code)


def subjects(user, code):
    return [i.subject for i in items(user, code)]


def problems(user, code):
    return [f"{i.subject}：{i.problem}" for i in items(user, code)]


def article(parent, title, days_ago=1, **fields):
    fields.setdefault("date", timezone.localdate() - datetime.timedelta(days=days_ago))
    return add(parent, OutreachPage(title=title, slug=f"a{Page.objects.count()}", **fields), days_ago)


def link_to(page, text=None):
    return f'<p>见<a linktype="page" id="{page.pk}">{text or page.title}</a>。</p>'


def standard(parent, title, html, days_ago=1):
    return add(parent, StandardPage(title=title, slug=f"s{Page.objects.count()}", body=[("paragraph", RichText(html))]),
               days_ago)


# 栏目不更新 -------------------------------------------------------------------

def test_an_idle_news_column_is_listed_until_something_new_is_published(site, people):
    home, sections = site
    article(sections["outreach"], "旧文章", days_ago=30)
    found = [i for i in items(people["editor"], "columns") if i.subject == "宣传与反歧视"]
    assert len(found) == 1
    assert "已 30 天未更新" in found[0].problem and "每 14 天" in found[0].problem
    assert found[0].fix_url == f"/admin/pages/{sections['outreach'].pk}/add_subpage/"
    article(sections["outreach"], "新文章", days_ago=0)
    assert "宣传与反歧视" not in subjects(people["editor"], "columns")


def test_policies_may_rest_six_months_and_a_blank_column_is_listed(site, people):
    home, sections = site
    add(sections["policies"], PolicyPage(title="文件", slug="f", issuer="民政局"), days_ago=100)
    found = problems(people["editor"], "columns")
    assert not any(p.startswith("政策文件") for p in found)
    # 优秀案例 has no case at all: a blank column.
    assert "优秀案例：空白栏目：栏目下没有任何内容" in found
    Page.objects.filter(pk=sections["policies"].get_children().get().pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=200))
    assert any(p.startswith("政策文件：已 200 天未更新") for p in problems(people["editor"], "columns"))


def test_a_columns_interval_is_set_in_the_settings(site, people):
    home, sections = site
    add(sections["policies"], PolicyPage(title="文件", slug="f", issuer="民政局"), days_ago=10)
    settings = InspectionSettings.load()
    SectionInterval.objects.create(settings=settings, section=sections["policies"], interval_days=7)
    assert any("要求每 7 天内有新内容" in p for p in problems(people["editor"], "columns"))
    settings.news_interval_days = 60
    settings.save()
    article(sections["outreach"], "文章", days_ago=30)
    assert "宣传与反歧视" not in subjects(people["editor"], "columns")


def test_columns_are_shown_to_those_who_may_publish_in_them(site, people):
    home, sections = site
    # 优秀案例 is blank: county admins publish cases there, so they see it; 宣传 is the editors' alone.
    article(sections["outreach"], "旧文章", days_ago=30)
    add(sections["policies"], PolicyPage(title="文件", slug="f", issuer="民政局"))
    assert subjects(people["tiedong"], "columns") == ["优秀案例"]
    assert set(subjects(people["editor"], "columns")) == {"优秀案例", "宣传与反歧视"}


# 留言超期未答复 ---------------------------------------------------------------

@pytest.fixture
def overdue_message(regions):
    return SupervisionMessage.objects.create(
        region=regions["210302"], concerns="某康复驿站", content="周六无人。", contact_phone="13800138000",
        received_at=timezone.now() - datetime.timedelta(days=40),
    )


def test_an_overdue_message_is_listed_for_its_region_only(site, people, overdue_message):
    found = items(people["tiedong"], "messages")
    assert [i.region for i in found] == ["铁东区"]
    assert overdue_message.reference in found[0].subject and "已过" in found[0].problem
    assert found[0].fix_url == f"/admin/supervision/supervisionmessage/edit/{overdue_message.pk}/"
    assert items(people["anshan"], "messages")  # the city above
    assert items(people["lishan"], "messages") == []  # the county next door
    assert items(people["editor"], "messages") == []  # editors do not handle messages
    assert "13800138000" not in str(items(people["tiedong"], "messages"))


def test_an_answered_message_is_no_longer_listed(site, people, overdue_message):
    overdue_message.status = MessageStatus.ANSWERED
    overdue_message.reply = "已整改。"
    overdue_message.save()
    assert items(people["tiedong"], "messages") == []


def test_a_reply_rated_dissatisfied_is_listed_until_its_call_back_is_recorded(site, people, regions):
    message = SupervisionMessage.objects.create(
        region=regions["210302"], concerns="某康复驿站", content="周六无人。", status=MessageStatus.ANSWERED,
        reply="已整改。",
    )
    message.rate(Rating.DISSATISFIED, "没有整改。")
    found = items(people["tiedong"], "messages")
    assert [i.subject.split()[0] for i in found] == [message.reference]
    assert "尚未记录回访" in found[0].problem
    assert items(people["lishan"], "messages") == []
    MessageCallback.objects.create(message=message, result="已电话回访，说明整改安排。")
    assert items(people["tiedong"], "messages") == []  # within its new due date, call-back recorded


def test_a_message_within_its_due_date_is_not_listed(site, people, regions):
    SupervisionMessage.objects.create(region=regions["210302"], concerns="某站", content="内容")
    assert items(people["tiedong"], "messages") == []


# 信息要素缺失 ----------------------------------------------------------------

def test_a_page_without_a_publication_date_is_listed_until_it_has_one(site, people):
    home, sections = site
    page = standard(home, "办事指南", "<p>内容</p>")
    Page.objects.filter(pk=page.pk).update(first_published_at=None)
    assert "办事指南：缺少发布时间" in problems(people["editor"], "metadata")
    Page.objects.filter(pk=page.pk).update(first_published_at=timezone.now() + datetime.timedelta(days=3))
    assert any(p.startswith("办事指南：发布时间") and p.endswith("在将来") for p in problems(people["editor"], "metadata"))
    Page.objects.filter(pk=page.pk).update(first_published_at=timezone.now())
    assert "办事指南" not in subjects(people["editor"], "metadata")


def test_section_pages_need_no_publication_date(site, people):
    home, sections = site
    Page.objects.filter(pk=sections["policies"].pk).update(first_published_at=None)
    assert "政策文件" not in subjects(people["editor"], "metadata")


def test_a_draft_for_comment_needs_only_its_publication_date(site, people):
    home, sections = site
    draft = add(sections["policies"], PolicyPage(title="方案（征求意见稿）", slug="draft", issuer="民政局",
                                                 status=PolicyStatus.CONSULTATION))
    assert "方案（征求意见稿）：政策文件缺少发布日期" in problems(people["editor"], "metadata")
    draft.published_date = datetime.date(2025, 3, 5)
    draft.save()
    assert not [p for p in problems(people["editor"], "metadata") if p.startswith("方案（征求意见稿）")]


def test_a_policy_without_number_or_dates_is_listed_until_complete(site, people):
    home, sections = site
    policy = add(sections["policies"], PolicyPage(title="实施意见", slug="yijian", issuer="民政厅"))
    assert "实施意见：政策文件缺少文号、成文日期、发布日期" in problems(people["editor"], "metadata")
    policy.document_number = "辽民发〔2025〕1号"
    policy.written_date = datetime.date(2025, 3, 1)
    policy.published_date = timezone.localdate() + datetime.timedelta(days=10)
    policy.save()
    assert [p for p in problems(people["editor"], "metadata") if p.startswith("实施意见")] == [
        f"实施意见：发布日期 {policy.published_date:%Y-%m-%d} 在将来"]
    policy.published_date = datetime.date(2025, 3, 5)
    policy.save()
    assert "实施意见" not in subjects(people["editor"], "metadata")


def test_unpublished_and_restricted_pages_are_not_inspected(site, people):
    home, sections = site
    draft = add(sections["policies"], PolicyPage(title="草稿文件", slug="draft", issuer="民政厅"))
    draft.unpublish()
    private = add(sections["policies"], PolicyPage(title="内部文件", slug="private", issuer="民政厅"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert not {"草稿文件", "内部文件"} & set(subjects(people["editor"], "metadata"))


def figure(image, alt="", decorative=False):
    # A fresh instance per block: ImageBlock keeps the alt text on the Image object.
    image = type(image).objects.get(pk=image.pk)
    return ("figure", {"image": {"image": image, "alt_text": alt, "decorative": decorative}, "caption": ""})


def test_images_without_alt_text_on_live_pages_are_listed(site, people):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    home, sections = site
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    image = get_image_model().objects.create(title="市集照片", file=get_test_image_file())
    page = article(sections["outreach"], "市集", cover_image=image, cover_alt="市集",
                   body=[figure(image), figure(image, decorative=True), figure(image, alt="摊位")])
    # Saved around the editor's form, which refuses a cover image without alt text.
    OutreachPage.objects.filter(pk=page.pk).update(cover_alt="")
    assert problems(people["editor"], "metadata") == [
        "市集：题图缺少替代文字；1 张图片缺少替代文字（不是装饰性图片时必须填写）"]
    page.refresh_from_db()
    page.cover_alt = "居民在社区广场的市集上交谈"
    page.body = [figure(image, alt="居民在市集上交谈"), figure(image, decorative=True)]
    page.save()
    assert "市集" not in subjects(people["editor"], "metadata")


def test_case_pages_are_inspected_for_their_region_only(site, people):
    home, sections = site
    haicheng = Region.objects.get(code="210381")
    case = add(sections["cases"], CasePage(title="海城案例", slug="haicheng", region=haicheng, theme="就业",
                                            summary="摘要", consent_confirmed=True, anonymised_confirmed=True))
    Page.objects.filter(pk=case.pk).update(first_published_at=None)
    assert "海城案例" in subjects(people["anshan"], "metadata")
    assert "海城案例" not in subjects(people["tiedong"], "metadata")
    assert "海城案例" in subjects(people["root"], "metadata")


# 链接不可用 ------------------------------------------------------------------

def test_a_link_to_an_unpublished_page_is_listed_until_it_is_published_again(site, people):
    home, sections = site
    target = standard(home, "办事指南", "<p>内容</p>")
    source = standard(home, "常见问题", link_to(target))
    assert subjects(people["editor"], "links") == []
    target.unpublish()
    assert problems(people["editor"], "links") == ["常见问题：链接到未发布（已下线）的页面《办事指南》"]
    assert items(people["editor"], "links")[0].fix_url == f"/admin/pages/{source.pk}/edit/"
    target.save_revision().publish()
    assert subjects(people["editor"], "links") == []


def test_links_to_restricted_and_deleted_pages_are_listed(site, people, django_capture_on_commit_callbacks):
    home, sections = site
    private = standard(home, "内部通知", "<p>内容</p>")
    gone = standard(home, "旧页面", "<p>内容</p>")
    standard(home, "常见问题", link_to(private) + link_to(gone))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    gone_pk = gone.pk
    with django_capture_on_commit_callbacks(execute=True):
        gone.delete()
    assert set(problems(people["editor"], "links")) == {
        f"常见问题：链接的页面（编号 {gone_pk}）已不存在",
        "常见问题：链接到限制访问的页面《内部通知》，公众无法打开",
    }


def test_a_link_block_to_an_unpublished_page_is_listed(site, people):
    home, sections = site
    target = standard(home, "办事指南", "<p>内容</p>")
    add(home, StandardPage(title="首页推荐", slug="tuijian", body=[
        ("call_to_action", {"title": "去看看", "text": "", "page": target, "button": "了解详情"})]))
    target.unpublish()
    assert problems(people["editor"], "links") == ["首页推荐：链接到未发布（已下线）的页面《办事指南》"]


def test_links_to_deleted_or_restricted_documents_are_listed(site, people, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    home, sections = site
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    internal = root.add_child(name="内部资料")
    Document = get_document_model()
    kept = Document.objects.create(title="内部名单", file=ContentFile(b"x", name="a.txt"), collection=internal)
    removed = Document.objects.create(title="旧表格", file=ContentFile(b"x", name="b.txt"), collection=root)
    standard(home, "下载", "".join(f'<p><a linktype="document" id="{d.pk}">{d.title}</a></p>' for d in (kept, removed)))
    assert subjects(people["editor"], "links") == []
    CollectionViewRestriction.objects.create(collection=internal, restriction_type=CollectionViewRestriction.LOGIN)
    removed_pk = removed.pk
    with django_capture_on_commit_callbacks(execute=True):
        removed.delete()
    assert set(problems(people["editor"], "links")) == {
        f"下载：链接的文件（编号 {removed_pk}）已被删除",
        "下载：链接的文件《内部名单》在限制访问的文件夹中，公众无法下载",
    }


def test_links_on_other_regions_cases_are_not_shown(site, people):
    home, sections = site
    target = standard(home, "办事指南", "<p>内容</p>")
    add(sections["cases"], CasePage(
        title="海城案例", slug="haicheng", region=Region.objects.get(code="210381"), theme="就业", summary="摘要",
        practices=[("paragraph", RichText(link_to(target)))], consent_confirmed=True, anonymised_confirmed=True))
    target.unpublish()
    assert "海城案例" in subjects(people["anshan"], "links")
    assert subjects(people["tiedong"], "links") == []


# 过期内容仍作现行展示 --------------------------------------------------------------

def test_a_withdrawn_policy_linked_without_saying_so_is_listed_until_the_link_says_so(site, people):
    home, sections = site
    policy = add(sections["policies"], PolicyPage(title="旧办法", slug="old", issuer="民政厅"))
    source = standard(home, "办事指南", link_to(policy))
    assert subjects(people["editor"], "expired") == []
    policy.status = PolicyStatus.REPEALED
    policy.save()
    assert problems(people["editor"], "expired") == ["办事指南：链接到已废止的《旧办法》，但没有注明已废止"]
    source.body = [("paragraph", RichText(link_to(policy, "旧办法（已废止）")))]
    source.save()
    assert subjects(people["editor"], "expired") == []
    source.body = [("paragraph", RichText(link_to(policy) + "<p>其他内容</p>"))]
    source.save()
    assert subjects(people["editor"], "expired") == ["办事指南"]
    # Words right after the link count too.
    source.body = [("paragraph", RichText(f'<p><a linktype="page" id="{policy.pk}">旧办法</a>（该文件已失效）</p>'))]
    source.save()
    assert subjects(people["editor"], "expired") == []


def test_a_link_block_to_a_withdrawn_policy_must_say_so_in_its_text(site, people):
    home, sections = site
    policy = add(sections["policies"], PolicyPage(title="旧办法", slug="old", issuer="民政厅",
                                                  status=PolicyStatus.REPEALED))
    block = {"title": "相关政策", "text": "", "page": policy, "button": "查看"}
    page = add(home, StandardPage(title="专题", slug="zhuanti", body=[("call_to_action", block)]))
    assert subjects(people["editor"], "expired") == ["专题"]
    page.body = [("call_to_action", {**block, "text": "本办法已废止，仅供查阅。"})]
    page.save()
    assert subjects(people["editor"], "expired") == []


def test_a_past_event_is_labelled_by_its_date_so_nothing_needs_relabelling(site, people):
    home, sections = site
    past = article(sections["outreach"], "有爱市集", kind=OutreachKind.EVENT, place="社区广场",
                   date=timezone.localdate() - datetime.timedelta(days=2))
    coming = article(sections["outreach"], "下周活动", kind=OutreachKind.EVENT, place="社区广场",
                     date=timezone.localdate() + datetime.timedelta(days=7))
    assert (past.kind_label, coming.kind_label) == ("活动回顾", "活动预告")
    assert subjects(people["editor"], "expired") == []


# The report as a whole ----------------------------------------------------------

def test_single_veto_indicators_come_first_and_flag_the_report(site, people, overdue_message):
    report = build_report(people["tiedong"])
    assert [s.indicator.single_veto for s in report.sections] == [True, True, False, False, False]
    assert report.vetoed and report.total == sum(s.count for s in report.sections)
    assert not build_report(people["lishan"]).sections[1].vetoed


def test_a_staff_member_with_nothing_to_fix_gets_an_empty_report(site, make_staff):
    user = make_staff("registry-only")
    report = build_report(user)
    assert report.total == 0 and not report.vetoed
