"""监督渠道: hotlines, the online form and the published Q&A."""

import re

from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import BodyBlock
from .base import PortalPage

REFERENCE_RE = re.compile(r"JK\d{8}-[0-9A-F]{6}")


def hotlines_for(region):
    from portal.supervision.models import Hotline

    hotlines = Hotline.objects.select_related("region", "department").order_by("region__path", "sort_order", "pk")
    if region is not None:
        hotlines = hotlines.within(region)
    return hotlines


class SupervisionPage(RoutablePageMixin, PortalPage):
    intro = RichTextField("导语", blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name="显示范围", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="显示此区划内的监督电话，留言可选此区划内的市、县。留空为全部。",
    )
    body = StreamField(BodyBlock(), verbose_name="正文", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region"), FieldPanel("body")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "监督渠道"

    def message_regions(self):
        from portal.registry.models import Region, RegionLevel

        regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY], is_active=True)
        if self.region_id:
            regions = regions.within(self.region)
        return regions.order_by("path")

    def page_context(self, request, form=None, error=None):
        from portal.supervision.forms import SupervisionMessageForm
        from portal.supervision.models import FALLBACK_HOTLINE, SupervisionMessage

        questions = SupervisionMessage.objects.published_qa().select_related("region").order_by("-replied_at")
        if self.region_id:
            questions = questions.within(self.region)
        return {
            "hotlines": hotlines_for(self.region),
            "fallback_hotline": FALLBACK_HOTLINE,
            "form": form or SupervisionMessageForm(regions=self.message_regions()),
            "questions": questions[:10],
            "form_error": error,
        }

    @path("")
    def index(self, request):
        from portal.supervision.services import SubmissionRefused, submit

        if request.method == "POST":
            try:
                form, message = submit(request, request.POST, regions=self.message_regions())
            except SubmissionRefused as refused:
                response = self.render(request, context_overrides=self.page_context(request, error=str(refused)))
                response.status_code = 429
                return response
            if message is not None:
                reference = message.reference if message else ""
                return redirect(self.url + self.reverse_subpage("thanks") + (f"?ref={reference}" if reference else ""))
            response = self.render(request, context_overrides=self.page_context(request, form=form))
            response.status_code = 400
            return response
        return self.render(request, context_overrides=self.page_context(request))

    @path("thanks/")
    def thanks(self, request):
        reference = request.GET.get("ref", "")
        context = self.get_context(request)
        context["reference"] = reference if REFERENCE_RE.fullmatch(reference) else ""
        return TemplateResponse(request, "pages/supervision_thanks.html", context)
