"""What the self-inspection keeps: the expected update interval of each
column (设置 → 网站自查设置) and the results of the last external link check."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

# "动态、要闻类栏目" in the inspection indicators: expected to change every two
# weeks. Every other column (policies, prices, progress …) every six months.
NEWS_SECTION_MODELS = ("pages.outreachindexpage", "pages.caseindexpage")

_DAYS = [MinValueValidator(1), MaxValueValidator(3650)]


@register_setting(icon="glasses")
class InspectionSettings(ClusterableModel, BaseGenericSetting):
    news_interval_days = models.PositiveSmallIntegerField(
        "动态类栏目更新周期（天）", default=14, validators=_DAYS,
        help_text="宣传与反歧视、优秀案例等动态、要闻类栏目：超过这么多天没有发布新内容，即列入网站自查报告（检查指标：2 周）。",
    )
    other_interval_days = models.PositiveSmallIntegerField(
        "其他栏目更新周期（天）", default=183, validators=_DAYS,
        help_text="政策文件、价格公示、工作进展等其他栏目（检查指标：6 个月）。",
    )

    panels = [
        MultiFieldPanel([FieldRowPanel([FieldPanel("news_interval_days"), FieldPanel("other_interval_days")])],
                        heading="栏目更新周期"),
        InlinePanel("section_intervals", heading="单独设置周期的栏目", label="栏目"),
    ]

    class Meta:
        verbose_name = "网站自查设置"

    def interval_for(self, section):
        """Days a column may go without new content: its own setting, else by kind."""
        for row in self.section_intervals.all():
            if row.section_id == section.pk:
                return row.interval_days
        if section.specific_class._meta.label_lower in NEWS_SECTION_MODELS:
            return self.news_interval_days
        return self.other_interval_days


class SectionInterval(Orderable):
    settings = ParentalKey(InspectionSettings, on_delete=models.CASCADE, related_name="section_intervals")
    section = models.ForeignKey(
        "wagtailcore.Page", verbose_name="栏目", on_delete=models.CASCADE, related_name="+",
        help_text="网站首页下的一级栏目。",
    )
    interval_days = models.PositiveSmallIntegerField("更新周期（天）", validators=_DAYS)

    panels = [FieldRowPanel([FieldPanel("section"), FieldPanel("interval_days")])]

    class Meta(Orderable.Meta):
        verbose_name = "栏目更新周期"
        verbose_name_plural = "栏目更新周期"


class LinkResult(models.TextChoices):
    OK = "ok", "可以访问"
    BROKEN = "broken", "无法访问"
    SKIPPED = "skipped", "未检查"


class LinkCheckRun(models.Model):
    """One run of ``manage.py check_links``: when, and how many links it found broken."""

    finished_at = models.DateTimeField("检查完成时间")
    link_count = models.PositiveIntegerField("外部链接数")
    broken_count = models.PositiveIntegerField("无法访问数")

    class Meta:
        verbose_name = "外部链接检查"
        verbose_name_plural = "外部链接检查"
        get_latest_by = "finished_at"

    def __str__(self):
        return f"{self.finished_at:%Y-%m-%d %H:%M}"


class ExternalLink(models.Model):
    """An external link found on the site at the last check, and what it answered.

    Replaced as a whole by every run: the rows are the site as it was then.
    """

    url = models.TextField("链接地址")
    result = models.CharField("检查结果", max_length=10, choices=LinkResult.choices)
    status_code = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    error = models.CharField("问题", max_length=200, blank=True)
    checked_at = models.DateTimeField("检查时间")
    pages = models.ManyToManyField("wagtailcore.Page", verbose_name="所在页面", related_name="+", blank=True)
    in_footer = models.BooleanField("在页脚（网站标识与页脚）", default=False)

    class Meta:
        verbose_name = "外部链接"
        verbose_name_plural = "外部链接"
        ordering = ["url"]

    def __str__(self):
        return self.url
