"""政策文件: the policy library."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.api import APIField
from wagtail.search import index

from ..blocks import AttachmentsBlock, BodyBlock
from .base import PortalPage


class PolicyStatus(models.TextChoices):
    VALID = "valid", "有效"
    # A draft published for comment has no force yet: it is not 有效.
    CONSULTATION = "consultation", "征求意见稿"
    REPEALED = "repealed", "废止"


def ordered_for_site(policies, region):
    """The policies that apply to the site's own region first (national ones,
    without 适用地区, and those of its region, the regions above it and below
    it), then the others; within each, newest first by the document's own date
    (成文日期, else 发布日期), undated ones last."""
    order = []
    if region is not None:
        codes = [code for code in region.path.split("/") if code]
        policies = policies.annotate(elsewhere=Case(
            When(Q(region__isnull=True) | Q(region__code__in=codes) | Q(region__path__startswith=region.path),
                 then=Value(0)),
            default=Value(1), output_field=IntegerField()))
        order.append("elsewhere")
    policies = policies.annotate(document_date=Coalesce("written_date", "published_date"))
    return policies.order_by(*order, F("document_date").desc(nulls_last=True), "-pk")


def site_region(page):
    """The region a site is about: its home page's 本站区划."""
    from .home import HomePage

    home = HomePage.objects.ancestor_of(page, inclusive=True).select_related("region").first()
    return home.region if home is not None else None


class PolicyIndexPage(PortalPage):
    intro = RichTextField("导语", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = ["pages.PolicyPage"]
    max_count = 1

    class Meta:
        verbose_name = "政策文件栏目"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A list never shows the bodies: their JSON is not loaded.
        policies = ordered_for_site(PolicyPage.objects.child_of(self).live().defer_streamfields(), site_region(self))
        status = request.GET.get("status", "")
        if status in PolicyStatus.values:
            policies = policies.filter(status=status)
        context["status"] = status
        context["statuses"] = PolicyStatus.choices
        context["policies"] = Paginator(policies, 20).get_page(request.GET.get("page"))
        return context


class PolicyPage(PortalPage):
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200)
    written_date = models.DateField("成文日期", null=True, blank=True)
    published_date = models.DateField("发布日期", null=True, blank=True)
    status = models.CharField("效力状态", max_length=12, choices=PolicyStatus.choices, default=PolicyStatus.VALID)
    region = models.ForeignKey(
        "registry.Region", verbose_name="适用地区", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    summary = models.TextField("摘要", blank=True)
    body = StreamField(BodyBlock(), verbose_name="全文", blank=True)
    attachments = StreamField(AttachmentsBlock(), verbose_name="附件", blank=True)

    content_panels = PortalPage.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuer")]),
            FieldRowPanel([FieldPanel("written_date"), FieldPanel("published_date"), FieldPanel("status")]),
            FieldPanel("region"),
        ], heading="文件信息"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachments"),
    ]
    search_fields = PortalPage.search_fields + [
        index.SearchField("document_number"), index.SearchField("issuer"), index.SearchField("summary"),
        index.SearchField("body"), index.FilterField("status"),
    ]
    api_fields = [APIField(n) for n in ("document_number", "issuer", "written_date", "published_date", "status",
                                         "summary", "body", "attachments")]
    parent_page_types = ["pages.PolicyIndexPage"]
    subpage_types = []
    is_article = True

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
