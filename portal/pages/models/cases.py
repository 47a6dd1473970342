"""优秀案例: case write-ups collected per year and reviewed county → city → province."""

import datetime

from django.core.paginator import Paginator
from django.db import models
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, PageManager, TaskState
from wagtail.query import PageQuerySet
from rest_framework import serializers
from wagtail.api import APIField
from wagtail.search import index

from portal.registry import access
from portal.registry.forms import limit_choices_to_scope
from portal.registry.models import RegionScopedQuerySet

from .. import cache
from ..blocks import BodyBlock, GalleryBlock
from ..forms import PortalPageForm
from .base import PortalPage, require_alt_text

SUBMIT_ACTIONS = ("action-submit", "action-publish", "action-workflow-action")
CONSENT_ERROR = "提交审核或发布前，请确认已取得案例当事人（或其监护人）的书面同意（《精神卫生法》第四条）。"
ANONYMISED_ERROR = "提交审核或发布前，请确认文中已去除姓名、电话、身份证号、住址等可识别个人的信息。"


class CasePageForm(PortalPageForm):
    """Region and institution choices limited to the editor's regions; consent
    and anonymisation confirmed before the page goes to review or is published."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is not None:
            limit_choices_to_scope(self, user)
            if "region" in self.fields:
                self.fields["region"].queryset = self.fields["region"].queryset.exclude(level="township").order_by("path")

    def clean(self):
        cleaned = super().clean()
        if any(key in self.data for key in SUBMIT_ACTIONS):
            if not cleaned.get("consent_confirmed"):
                self.add_error("consent_confirmed", CONSENT_ERROR)
            if not cleaned.get("anonymised_confirmed"):
                self.add_error("anonymised_confirmed", ANONYMISED_ERROR)
        return cleaned


class CaseIndexPage(PortalPage):
    intro = RichTextField("导语", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = ["pages.CasePage"]
    max_count = 1

    class Meta:
        verbose_name = "优秀案例栏目"

    def cache_topics_for(self):
        # The list names the cases' institutions: those, or an import, refresh it.
        ids = (CasePage.objects.child_of(self).live().exclude(institution=None)
               .order_by().values_list("institution_id", flat=True).distinct())
        return self.cache_topics + (cache.INSTITUTIONS_BULK,) + tuple(f"institution:{pk}" for pk in sorted(ids))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = (CasePage.objects.child_of(self).live().defer_streamfields()
                 .select_related("region", "institution", "cover_image").order_by("-year", "-first_published_at"))
        years = sorted(set(cases.values_list("year", flat=True)), reverse=True)
        year = request.GET.get("year", "")
        if year.isdigit() and int(year) in years:
            cases = cases.filter(year=int(year))
        context.update({"cases": Paginator(cases, 12).get_page(request.GET.get("page")),
                        "years": years, "year": year})
        return context


class CasePageQuerySet(PageQuerySet, RegionScopedQuerySet):
    pass


def current_year():
    return datetime.date.today().year


class CasePage(PortalPage):
    region = models.ForeignKey("registry.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        "registry.Institution", verbose_name="机构", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度", default=current_year)
    theme = models.CharField("主题", max_length=100, help_text="如：就业转介、同伴支持、家庭支援")
    summary = models.TextField("摘要")
    cover_image = models.ForeignKey("wagtailimages.Image", verbose_name="题图", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    cover_alt = models.CharField("题图替代文字", max_length=200, blank=True)
    practices = StreamField(BodyBlock(), verbose_name="主要做法", blank=True)
    results = StreamField(BodyBlock(), verbose_name="成效", blank=True)
    images = StreamField(GalleryBlock(), verbose_name="图片", blank=True)
    consent_confirmed = models.BooleanField(
        "已取得当事人书面同意", default=False,
        help_text="案例涉及的服务对象（或其监护人）已书面同意公开（《精神卫生法》第四条）。",
    )
    anonymised_confirmed = models.BooleanField(
        "已完成匿名化处理", default=False, help_text="文中和图片中已去除姓名、电话、身份证号、住址和可辨认的面部。",
    )
    is_sample = models.BooleanField("示例内容", default=False)

    objects = PageManager.from_queryset(CasePageQuerySet)()

    # A case belongs to its region like a registry record (portal/pages/permissions.py).
    region_lookup = "region"

    base_form_class = CasePageForm
    content_panels = PortalPage.content_panels + [
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("region"), FieldPanel("institution")]),
            FieldRowPanel([FieldPanel("year"), FieldPanel("theme")]),
        ], heading="案例信息"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")]),
        FieldPanel("practices"),
        FieldPanel("results"),
        FieldPanel("images"),
        MultiFieldPanel([FieldPanel("consent_confirmed"), FieldPanel("anonymised_confirmed")],
                        heading="提交审核前确认（必填）"),
    ]
    search_fields = PortalPage.search_fields + [
        index.SearchField("theme"), index.SearchField("summary"), index.SearchField("practices"),
        index.SearchField("results"), index.FilterField("year"),
    ]
    # The consent flags are internal; the API shows what the page shows.
    api_fields = [APIField("region", serializer=serializers.StringRelatedField())] + [APIField(n) for n in ("year", "theme", "summary", "cover_image", "cover_alt",
                                         "practices", "results", "images")]
    parent_page_types = ["pages.CaseIndexPage"]
    subpage_types = []
    is_article = True

    def cache_topics_for(self):
        # The institution's name is shown: that one institution, or an import, refreshes the page.
        if self.institution_id:
            return self.cache_topics + (f"institution:{self.institution_id}", cache.INSTITUTIONS_BULK)
        return self.cache_topics

    class Meta:
        verbose_name = "优秀案例"
        verbose_name_plural = "优秀案例"

    def clean(self):
        super().clean()
        require_alt_text(self.cover_image, self.cover_alt)

    def plain_text(self):
        parts = [self.title, self.summary]
        for stream in (self.practices, self.results):
            for block in stream:
                value = block.value
                if hasattr(value, "source"):
                    parts.append(strip_tags(value.source))
                elif isinstance(value, dict) or hasattr(value, "get"):
                    parts.extend(str(v) for v in value.values() if isinstance(v, str))
                else:
                    parts.append(str(value))
        return "\n".join(parts)

    def personal_data_warnings(self):
        from ..privacy import personal_data_warnings

        return personal_data_warnings(self.plain_text())


class ReviewLevel(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"


class RegionReviewTask(AbstractGroupApprovalTask):
    """A group approval step limited to reviewers whose regions cover the case's region.

    The 市级 reviewers of 鞍山 approve 鞍山's cases, not 大连's.
    """

    level = models.CharField("审核层级", max_length=10, choices=ReviewLevel.choices)

    admin_form_fields = AbstractGroupApprovalTask.admin_form_fields + ["level"]

    class Meta:
        verbose_name = "分级审核"
        verbose_name_plural = "分级审核"

    @staticmethod
    def region_of(obj):
        specific = getattr(obj, "specific_deferred", obj)
        return getattr(specific, "region", None)

    @staticmethod
    def submitted_by(obj, user):
        """Separation of duties: whoever sent the case for review approves none of its steps."""
        state = getattr(obj, "current_workflow_state", None)
        return state is not None and state.requested_by_id == user.pk

    def _reviews(self, obj, user):
        if self.submitted_by(obj, user):
            return False
        if user.is_superuser:
            return True
        if not self._user_in_groups(user):
            return False
        return self._covers(obj, user)

    @classmethod
    def _covers(cls, obj, user):
        region = cls.region_of(obj)
        return region is None or access.can_access_region(user, region)

    def user_can_access_editor(self, obj, user):
        return self._reviews(obj, user)

    def locked_for_user(self, obj, user):
        return not self._reviews(obj, user)

    def get_actions(self, obj, user):
        if self._reviews(obj, user):
            return [("reject", "退回修改", True), ("approve", "审核通过", False), ("approve", "审核通过并留言", True)]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs).select_related("workflow_state")
        allowed = [
            s.pk for s in states
            if s.workflow_state.requested_by_id != user.pk
            and (user.is_superuser or self._covers(s.workflow_state.content_object, user))
        ]
        return TaskState.objects.filter(pk__in=allowed)

    @classmethod
    def get_description(cls):
        return "所选用户组中、管辖区划覆盖案例地区的人员可以审核"
