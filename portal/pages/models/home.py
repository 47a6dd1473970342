"""首页 and the plain content pages editors build from blocks."""

from django.conf import settings
from django.db import models
from django.template.response import TemplateResponse
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.api import APIField
from wagtail.search import index

from portal.ops import ratelimit

from .. import cache
from ..blocks import BodyBlock
from .base import PortalPage

TOO_MANY_SUBMISSIONS = "您提交得过于频繁，请一小时后再试。"


class HomePage(PortalPage):
    """首页: entry tiles for every section, latest cases and outreach, the hotline, progress."""

    intro = RichTextField("导语", blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name="本站区划", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="首页的监督电话与工作进展摘要按此区划显示。",
    )
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region"), FieldPanel("body")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    cache_topics = (cache.PAGES, cache.PROGRESS, cache.SUPERVISION)

    class Meta:
        verbose_name = "首页"

    @property
    def column_name(self):
        return "首页"

    def get_context(self, request, *args, **kwargs):
        from ..services import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(self))
        return context


class StandardPage(PortalPage):
    """A plain page built from blocks (about us, guides, knowledge)."""

    intro = models.TextField("摘要", blank=True)
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body")]
    is_article = True

    class Meta:
        verbose_name = "普通页面"


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """表单页: editors build a simple form (a call for cases, an event sign-up);
    submissions are kept in the admin (表单 menu)."""

    content_source = models.CharField("信息来源", max_length=100, blank=True)
    intro = RichTextField("说明", blank=True)
    thank_you_text = RichTextField("提交成功提示", blank=True)
    privacy_note = models.CharField(
        "个人信息提示", max_length=200, blank=True,
        default="您填写的信息仅用于本次活动，由主办单位工作人员处理，不会公开。",
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="表单字段"),
        FieldPanel("privacy_note"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
            FieldPanel("subject"),
        ], heading="邮件通知（选填）"),
    ]
    promote_panels = AbstractEmailForm.promote_panels + [FieldPanel("content_source")]
    search_fields = AbstractEmailForm.search_fields + [index.SearchField("intro")]
    is_article = True

    class Meta:
        verbose_name = "表单页"

    column_name = PortalPage.column_name
    pub_date = PortalPage.pub_date
    cache_topics = PortalPage.cache_topics
    cache_topics_for = PortalPage.cache_topics_for

    def serve(self, request, *args, **kwargs):
        # Wagtail's serve, with a flood limit per client and page on valid
        # submissions (a mistyped form costs nothing).
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        form = self.get_form(request.POST, request.FILES, page=self, user=request.user)
        error, status = None, 200
        if form.is_valid():
            if ratelimit.allow(request, f"form:{self.pk}", settings.FORM_SUBMISSIONS_PER_HOUR):
                return self.render_landing_page(request, self.process_form_submission(form), *args, **kwargs)
            error, status = TOO_MANY_SUBMISSIONS, 429
        context = self.get_context(request)
        context.update(form=form, form_error=error)
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def get_context(self, request, *args, **kwargs):
        from .base import section_pages

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = section_pages(request)
        return context
