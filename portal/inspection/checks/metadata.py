"""信息要素缺失: what a published page must state, and images without alt text.

- every live public article (a page type that prints its publication time,
  the PubDate meta tag: ``is_article``) has one, not in the future; a policy
  also its own 发布日期, and an article's date is not in the future (an
  event's date may be);
- a policy has its 文号 and 成文日期 (a 征求意见稿 has neither yet: only its 发布日期);
- an image shown on a live page has alt text: a cover image its 题图替代文字,
  an image block its 替代文字 unless ticked 装饰性图片. (The public pages take
  alt text from the page, never from the image library's 描述, so that is
  where it is checked.)
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, get_page_models

from portal.pages.models import CasePage, OutreachKind, OutreachPage, PolicyPage, PolicyStatus

from ..content import images_without_alt
from ..indicators import Indicator, page_item
from ..references import references_from

# Pages with a cover image and its alt text field.
COVER_IMAGE_PAGES = (CasePage, OutreachPage)


def article_types():
    """Page types that print a publication time (PubDate): articles, not section pages."""
    return [ContentType.objects.get_for_model(m) for m in get_page_models() if getattr(m, "is_article", False)]


def page_problems(scope, now):
    """{page id: [problem, …]} for the user's live public pages."""
    today = timezone.localdate(now)
    problems = {}

    def add(pk, text):
        problems.setdefault(pk, []).append(text)

    pages = scope.live_public_pages
    articles = pages.filter(content_type__in=article_types())
    for pk in articles.filter(first_published_at__isnull=True).values_list("pk", flat=True):
        add(pk, "缺少发布时间")
    for pk, when in articles.filter(first_published_at__gt=now).values_list("pk", "first_published_at"):
        add(pk, f"发布时间 {timezone.localtime(when):%Y-%m-%d %H:%M} 在将来")
    policies = PolicyPage.objects.filter(pk__in=pages.values("pk"))
    for policy in policies.filter(Q(document_number="") | Q(written_date__isnull=True) | Q(published_date__isnull=True)
                                  | Q(published_date__gt=today)):
        draft = policy.status == PolicyStatus.CONSULTATION
        missing = [label for label, empty in (("文号", not draft and not policy.document_number.strip()),
                                              ("成文日期", not draft and policy.written_date is None),
                                              ("发布日期", policy.published_date is None)) if empty]
        if missing:
            add(policy.pk, "政策文件缺少" + "、".join(missing))
        if policy.published_date and policy.published_date > today:
            add(policy.pk, f"发布日期 {policy.published_date:%Y-%m-%d} 在将来")
    future_dated = OutreachPage.objects.filter(pk__in=pages.values("pk"), date__gt=today).exclude(kind=OutreachKind.EVENT)
    for pk, date in future_dated.values_list("pk", "date"):
        add(pk, f"文章日期 {date:%Y-%m-%d} 在将来")
    for model in COVER_IMAGE_PAGES:
        for pk in (model.objects.filter(pk__in=pages.values("pk"), cover_image__isnull=False, cover_alt="")
                   .values_list("pk", flat=True)):
            add(pk, "题图缺少替代文字")
    for page in pages_with_image_blocks(scope):
        count = images_without_alt(page)
        if count:
            add(page.pk, f"{count} 张图片缺少替代文字（不是装饰性图片时必须填写）")
    return problems


def pages_with_image_blocks(scope):
    """The user's live public pages with an image inside a StreamField (Wagtail's reference index knows)."""
    references = references_from(scope.live_public_pages, get_image_model())
    return Page.objects.filter(pk__in={r.source_id for r in references if "." in r.model_path}).specific()


def find(scope):
    now = timezone.now()
    problems = page_problems(scope, now)
    pages = Page.objects.filter(pk__in=problems).order_by("path")
    return [page_item(page, "；".join(problems[page.pk])) for page in pages]


INDICATOR = Indicator(
    code="metadata",
    label="信息要素缺失",
    single_veto=False,
    basis="已发布的页面应有发布时间；政策文件应有文号、成文日期和发布日期；图片应有替代文字。",
    find=find,
)
