"""联席会议与任务分工 and 工作进展: public views of the registry."""

import functools

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from .. import cache
from .base import PortalPage


class JointMeetingPage(PortalPage):
    """The joint meeting's public members and duties, and the task table."""

    intro = RichTextField("导语", blank=True)
    region = models.ForeignKey("registry.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = []
    cache_topics = (cache.PAGES, cache.TASKS)

    class Meta:
        verbose_name = "联席会议与任务分工"

    def get_context(self, request, *args, **kwargs):
        from portal.registry.models import (
            ActionPlan, DepartmentDuty, JointMeeting, JointMeetingMember, Task, TaskResponsibility,
        )

        context = super().get_context(request, *args, **kwargs)

        # Lazy: the tables served from the fragment cache cost no query.
        def meeting():
            return (
                JointMeeting.objects.filter(region=self.region_id).select_related("region")
                .prefetch_related(
                    # Member phones are staff-only: never selected for the public page.
                    Prefetch("members", queryset=JointMeetingMember.objects.defer("phone").order_by("sort_order", "pk")),
                    Prefetch("department_duties", queryset=DepartmentDuty.objects.select_related("department")),
                ).first()
            )

        @functools.cache
        def plan():
            return ActionPlan.objects.filter(region=self.region_id).order_by("-start_year").first()

        def tasks():
            if plan() is None:
                return []
            rows = Task.objects.filter(plan=plan()).order_by("number").prefetch_related(
                Prefetch("responsibilities", queryset=TaskResponsibility.objects.select_related("kind").order_by("position"))
            )
            return [(task, task.is_overdue_on(today)) for task in rows]

        today = timezone.localdate()
        context.update({
            "meeting": SimpleLazyObject(meeting), "plan": SimpleLazyObject(plan), "today": today,
            "tasks": SimpleLazyObject(tasks),
        })
        return context


class ProgressPage(PortalPage):
    """工作进展: charts of coverage and standard-service rate against the targets."""

    intro = RichTextField("导语", blank=True)
    region = models.ForeignKey("registry.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = []
    cache_topics = (cache.PAGES, cache.PROGRESS)

    class Meta:
        verbose_name = "工作进展"

    def get_context(self, request, *args, **kwargs):
        from ..charts import bar_chart
        from ..progress import region_progress

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the charts and tables served from the fragment cache cost no query.
        progress = SimpleLazyObject(lambda: region_progress(self.region))
        context.update({
            "progress": progress,
            "coverage_chart": SimpleLazyObject(
                lambda: bar_chart([(f"{y.year}年", y.coverage, y.coverage_target) for y in progress.years])),
            "rate_chart": SimpleLazyObject(
                lambda: bar_chart([(f"{y.year}年", y.rate, y.rate_target) for y in progress.years])),
        })
        return context
