"""Service institutions (精康服务机构): the Annex 1 form plus the directory fields."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .regions import Region, RegionLevel
from .scoping import RegionScopedQuerySet


class ServiceItem(models.Model):
    """A rehabilitation service an institution may offer (服药训练, 同伴支持 …)."""

    name = models.CharField("服务项目", max_length=50, unique=True)
    is_national_standard = models.BooleanField("国家规范项目", default=False)
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class OwnerDepartment(models.TextChoices):
    """Annex 1 所属部门: exactly one of the three."""

    CIVIL_AFFAIRS = "civil_affairs", "民政"
    HEALTH = "health", "卫健"
    DISABLED_FEDERATION = "disabled_federation", "残联"


class InstitutionCategory(models.TextChoices):
    """Annex 1 机构类别: exactly one of the four."""

    HOSPITAL = "hospital", "医院"
    COMMUNITY_REHAB = "community_rehab", "社区康复服务机构"
    PRIMARY_HEALTH = "primary_health", "基层卫生医疗机构"
    FEDERATION_REHAB = "federation_rehab", "残联康复服务机构"


class OperationMode(models.TextChoices):
    GOVERNMENT_RUN = "government_run", "政府举办"
    PUBLICLY_BUILT_PRIVATELY_RUN = "publicly_built", "公建民营"
    GOVERNMENT_PURCHASE = "government_purchase", "政府购买服务"
    PRIVATE_NON_PROFIT = "private_non_profit", "民办非营利"


class FacilityType(models.TextChoices):
    CENTRE = "centre", "中心（评估转介、培训督导、服务示范）"
    STATION = "station", "站点"


STAFF_FIELDS = ("psychiatrists", "therapists", "counsellors", "social_workers", "other_staff")


def count_field(label):
    return models.PositiveIntegerField(label, default=0)


class InstitutionQuerySet(RegionScopedQuerySet):
    def published(self):
        return self.filter(is_published=True)


class Institution(models.Model):
    # Annex 1 columns, in the form's order.
    name = models.CharField("机构全称", max_length=200)
    address = models.CharField("机构地址", max_length=255, blank=True)
    county = models.ForeignKey(
        Region, verbose_name="所在县(市、区)", on_delete=models.PROTECT, related_name="institutions",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    owner_department = models.CharField("所属部门", max_length=24, choices=OwnerDepartment.choices)
    category = models.CharField("机构类别", max_length=24, choices=InstitutionCategory.choices)
    psychiatrists = count_field("精神科医生")
    therapists = count_field("康复治疗师")
    counsellors = count_field("心理咨询师")
    social_workers = count_field("社会工作者")
    other_staff = count_field("其他工作人员")
    clients_count = count_field("患者人数")
    service_visits = count_field("服务人次")
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField(
        "联系方式", max_length=50, blank=True, help_text="填报联系人的电话，仅工作人员可见。",
    )

    # Directory fields.
    operation_mode = models.CharField("运营方式", max_length=24, choices=OperationMode.choices, blank=True)
    facility_type = models.CharField("机构层级", max_length=12, choices=FacilityType.choices, blank=True)
    services = models.ManyToManyField(ServiceItem, verbose_name="服务项目", blank=True, related_name="institutions")
    floor_area = models.DecimalField(
        "场所面积（平方米）", max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    opening_hours = models.CharField("开放时间", max_length=200, blank=True)
    public_phone = models.CharField("咨询电话", max_length=50, blank=True)
    supervision_phone = models.CharField("监督电话", max_length=50, blank=True)
    green_channel_hospital = models.CharField(
        "绿色通道协议医院", max_length=200, blank=True, help_text="签订绿色通道协议的精神卫生医疗机构名称。",
    )
    qualified_staff = models.PositiveIntegerField(
        "具有精神卫生、社会工作、心理健康相关专业学历的人数", default=0,
    )
    latitude = models.DecimalField(
        "纬度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        "经度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    introduction = models.TextField("机构简介", blank=True)
    is_published = models.BooleanField("对外公开", default=False, help_text="勾选后在公众网站机构查询中显示。")
    is_sample = models.BooleanField("示例数据", default=False, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    region_lookup = "county"
    # Shown to staff only: never on the public site, in its API or in public exports.
    staff_only_fields = ("contact_person", "contact_phone")

    class Meta:
        verbose_name = "精康服务机构"
        verbose_name_plural = "精康服务机构"
        ordering = ["county__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="unique_institution_name_per_county"),
        ]

    def __str__(self):
        return self.name

    @property
    def total_staff(self):
        return sum(getattr(self, f) or 0 for f in STAFF_FIELDS)

    @property
    def qualified_share(self):
        """Share (0–1) of staff with a mental-health, social-work or psychology qualification."""
        total = self.total_staff
        if not total:
            return None
        return Decimal(self.qualified_staff) / Decimal(total)

    QUALIFIED_SHARE_TARGET = Decimal("0.30")

    @property
    def meets_qualified_share_target(self):
        share = self.qualified_share
        return share is not None and share >= self.QUALIFIED_SHARE_TARGET

    def clean(self):
        errors = {}
        if self.name:
            self.name = self.name.strip()
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = "请选择县级区划（县、县级市、区或开发区）。"
        if self.qualified_staff and self.qualified_staff > self.total_staff:
            errors["qualified_staff"] = "具有相关专业学历的人数不能超过人员总数。"
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "经度和纬度需同时填写或同时留空。"
        if errors:
            raise ValidationError(errors)
