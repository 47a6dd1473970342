"""宣传 / 反歧视: articles, campaigns and events, with categories and tags."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.api import APIField
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from ..blocks import BodyBlock
from .base import PortalPage, require_alt_text


@register_snippet
class OutreachCategory(models.Model):
    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.SlugField("代码", max_length=40, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = "宣传分类"
        verbose_name_plural = "宣传分类"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class OutreachKind(models.TextChoices):
    ARTICLE = "article", "文章"
    CAMPAIGN = "campaign", "宣传活动"
    EVENT = "event", "活动"


class OutreachPageTag(TaggedItemBase):
    content_object = ParentalKey("pages.OutreachPage", on_delete=models.CASCADE, related_name="tagged_items")


class OutreachIndexPage(PortalPage):
    intro = RichTextField("导语", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = ["pages.OutreachPage"]
    max_count = 1

    class Meta:
        verbose_name = "宣传栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (OutreachPage.objects.child_of(self).live().defer_streamfields()
                 .select_related("category", "cover_image").order_by("-date", "-pk"))
        category = request.GET.get("category", "")
        tag = request.GET.get("tag", "")[:50]
        kind = request.GET.get("kind", "")
        if category:
            items = items.filter(category__slug=category)
        if tag:
            items = items.filter(tags__name=tag)
        if kind in OutreachKind.values:
            items = items.filter(kind=kind)
        context.update({
            "items": Paginator(items, 12).get_page(request.GET.get("page")),
            "categories": OutreachCategory.objects.all(), "kinds": OutreachKind.choices,
            "category": category, "tag": tag, "kind": kind,
        })
        return context


class OutreachPage(PortalPage):
    kind = models.CharField("类型", max_length=10, choices=OutreachKind.choices, default=OutreachKind.ARTICLE)
    date = models.DateField("日期", help_text="文章的发布日期，或活动举办日期")
    place = models.CharField("活动地点", max_length=200, blank=True)
    category = models.ForeignKey(OutreachCategory, verbose_name="分类", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    tags = ClusterTaggableManager("标签", through=OutreachPageTag, blank=True)
    summary = models.TextField("摘要", blank=True)
    cover_image = models.ForeignKey("wagtailimages.Image", verbose_name="题图", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    cover_alt = models.CharField("题图替代文字", max_length=200, blank=True, help_text="有题图时必填：说明图片内容")
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)
    is_sample = models.BooleanField("示例内容", default=False)

    content_panels = PortalPage.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
            FieldPanel("place"),
            FieldRowPanel([FieldPanel("category"), FieldPanel("tags")]),
        ], heading="基本信息"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")]),
        FieldPanel("body"),
    ]
    search_fields = PortalPage.search_fields + [
        index.SearchField("summary"), index.SearchField("place"), index.SearchField("body"),
        index.FilterField("kind"), index.FilterField("date"),
    ]
    api_fields = [APIField(n) for n in ("kind", "date", "place", "category", "tags", "summary", "cover_image",
                                         "cover_alt", "body")]
    parent_page_types = ["pages.OutreachIndexPage"]
    subpage_types = []
    is_article = True

    class Meta:
        verbose_name = "宣传文章与活动"
        verbose_name_plural = "宣传文章与活动"

    @property
    def kind_label(self):
        """What the public sees: an event is 活动预告 until its day and 活动回顾 after,
        so a past event is never announced as coming (no editor has to relabel it)."""
        if self.kind == OutreachKind.EVENT:
            return "活动预告" if self.date >= timezone.localdate() else "活动回顾"
        return self.get_kind_display()

    def clean(self):
        super().clean()
        require_alt_text(self.cover_image, self.cover_alt)
        if self.kind == OutreachKind.EVENT and not self.place.strip():

            raise ValidationError({"place": "活动请填写活动地点。"})
