"""Yearly targets and the half-yearly county reports they are measured against."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .regions import Region, RegionLevel
from .scoping import RegionScopedQuerySet

percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


class CoverageUnit(models.TextChoices):
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "街道（乡镇）"


class Target(models.Model):
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    coverage_unit = models.CharField(
        "覆盖率统计单位", max_length=10, choices=CoverageUnit.choices, default=CoverageUnit.COUNTY,
        help_text="上海按街道（乡镇）统计，其他地区按县（市、区）统计。",
    )
    coverage_pct = models.DecimalField("开展服务覆盖率目标（%）", max_digits=5, decimal_places=2, validators=percent_validators)
    standard_service_rate_pct = models.DecimalField(
        "登记康复对象接受规范服务率目标（%）", max_digits=5, decimal_places=2, validators=percent_validators,
    )
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：吉民发〔2023〕40号")

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["region__path", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="unique_target_per_region_year"),
        ]

    def __str__(self):
        return f"{self.region} {self.year}年目标"


def targets_for(region):
    """{year: Target} of the region, or of its nearest ancestor that has some.

    Used by the public 工作进展 page and by the reporting roll-up alike.
    """
    codes = [c for c in region.path.split("/") if c]
    targets = list(Target.objects.filter(region__code__in=codes).select_related("region"))
    for code in reversed(codes):
        mine = [t for t in targets if t.region.code == code]
        if mine:
            return {t.year: t for t in mine}
    return {}


def target_for_year(region, year):
    """The target a year is judged on: that year's, or after the plan's last year its final one."""
    targets = targets_for(region)
    earlier = [y for y in targets if y <= year]
    return targets[max(earlier)] if earlier else None


class Half(models.TextChoices):
    H1 = "H1", "上半年（6月）"
    H2 = "H2", "下半年（12月）"


class CountyReport(models.Model):
    """What one county reports each June and December: aggregates only, no patient data."""

    county = models.ForeignKey(
        Region, verbose_name="县(市、区)", on_delete=models.PROTECT, related_name="reports",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("报告期", max_length=2, choices=Half.choices)
    offers_service = models.BooleanField("已开展精神障碍社区康复服务", default=False)
    townships_total = models.PositiveIntegerField("街道（乡镇）总数", null=True, blank=True)
    townships_with_service = models.PositiveIntegerField("已开展服务的街道（乡镇）数", null=True, blank=True)
    registered_clients = models.PositiveIntegerField("登记康复对象人数", default=0)
    standard_service_clients = models.PositiveIntegerField("接受规范服务人数", default=0)
    submitted_at = models.DateTimeField("填报时间", auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "county"

    class Meta:
        verbose_name = "县级进展报告"
        verbose_name_plural = "县级进展报告"
        ordering = ["-year", "-half", "county__path"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "half"], name="unique_report_per_county_period"),
        ]

    def __str__(self):
        return f"{self.county} {self.year}年{self.get_half_display()}"

    @property
    def standard_service_rate(self):
        if not self.registered_clients:
            return None
        return self.standard_service_clients / self.registered_clients

    def clean(self):
        errors = {}
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = "请选择县级区划。"
        if self.standard_service_clients > self.registered_clients:
            errors["standard_service_clients"] = "接受规范服务人数不能超过登记康复对象人数。"
        if (
            self.townships_total is not None
            and self.townships_with_service is not None
            and self.townships_with_service > self.townships_total
        ):
            errors["townships_with_service"] = "已开展服务的街道（乡镇）数不能超过总数。"
        if errors:
            raise ValidationError(errors)
