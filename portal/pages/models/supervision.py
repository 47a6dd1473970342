"""监督渠道: hotlines, the online form and the published Q&A."""

from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from .. import cache
from ..blocks import BodyBlock
from .base import PortalPage

RECEIPT_SESSION_KEY = "supervision_receipt"


def private(response):
    """Pages that show a check code or a reply: never stored by the page cache, a proxy or the browser."""
    add_never_cache_headers(response)  # no-store, private
    return response


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
    cache_topics = (cache.PAGES, cache.SUPERVISION)

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
                form, receipt = submit(request, request.POST, regions=self.message_regions())
            except SubmissionRefused as refused:
                response = self.render(request, context_overrides=self.page_context(request, error=str(refused)))
                response.status_code = 429
                return response
            if receipt is not None:
                if receipt:
                    # Shown once on the next page; never in a URL (logs, history, Referer).
                    request.session[RECEIPT_SESSION_KEY] = {"reference": receipt.reference, "check_code": receipt.check_code}
                return redirect(self.url + self.reverse_subpage("thanks"))
            response = self.render(request, context_overrides=self.page_context(request, form=form))
            response.status_code = 400
            return response
        return self.render(request, context_overrides=self.page_context(request))

    @path("thanks/")
    def thanks(self, request):
        from portal.supervision.models import SupervisionSettings

        receipt = request.session.pop(RECEIPT_SESSION_KEY, None) or {}
        context = self.get_context(request)
        context["reply_working_days"] = SupervisionSettings.load(request_or_site=request).reply_working_days
        context["reference"] = receipt.get("reference", "")
        context["check_code"] = receipt.get("check_code", "")
        context["follow_up_url"] = self.url + self.reverse_subpage("follow_up")
        return private(TemplateResponse(request, "pages/supervision_thanks.html", context))

    @path("chaxun/", name="follow_up")
    def follow_up(self, request):
        """进度查询 and 好差评: status, due date and reply of one message, for whoever holds its two codes."""
        from portal.supervision.forms import FollowUpForm, RatingForm
        from portal.supervision.services import SubmissionRefused, follow_up, rate

        context = self.get_context(request)
        form, message, rating_form, rating, status = FollowUpForm(), None, None, None, 200
        if request.method == "POST":
            try:
                if request.POST.get("action") == "rate":
                    form, message, rating_form, rating = rate(request, request.POST)
                else:
                    form, message = follow_up(request, request.POST)
            except SubmissionRefused as refused:
                context["form_error"] = str(refused)
                status = 429
            else:
                if message is None:
                    status = 404 if FollowUpForm.NOT_FOUND in form.non_field_errors() else 400
                elif rating_form is not None and rating_form.errors:
                    status = 400
                elif rating is None and message.can_be_rated():
                    rating_form = RatingForm()
                else:
                    rating_form = None
        context.update({
            "form": form, "message": message, "rating_form": rating_form, "rating": rating,
            "latest_rating": message.latest_rating() if message else None,
        })
        return private(TemplateResponse(request, "pages/supervision_follow_up.html", context, status=status))
