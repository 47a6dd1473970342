"""Price disclosure (价格公示): each institution's price board, kept as versions.

A price is never overwritten: a new price is a new PriceVersion, and the
board shows the latest version in force while the older ones form the
adjustment record (调价记录).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.registry.models import Institution, RegionScopedQuerySet
from portal.supervision.validators import validate_phone_number

COMPLAINT_PHONE = "12315"


@register_setting(icon="tag")
class PriceSettings(BaseGenericSetting):
    rise_alert_pct = models.DecimalField(
        "涨价提示比例（%）", max_digits=5, decimal_places=2, default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text="新价格比上一版本上涨超过此比例时，在后台标记提示工作人员核查。",
    )

    class Meta:
        verbose_name = "价格公示设置"


class ChargeType(models.TextChoices):
    PRICED = "priced", "收费"
    LOW_COST = "low_cost", "低偿"
    FREE = "free", "免费"


class PricingForm(models.TextChoices):
    GOVERNMENT = "government", "政府定价"
    GUIDED = "guided", "政府指导价"
    MARKET = "market", "市场调节价"


class PriceItem(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name="机构", on_delete=models.CASCADE, related_name="price_items",
    )
    name = models.CharField("项目名称", max_length=100)
    content = models.TextField("服务内容", blank=True)
    unit = models.CharField("计价单位", max_length=20, help_text="如：次、月、天")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "institution__county"

    class Meta:
        verbose_name = "收费项目"
        verbose_name_plural = "收费项目"
        ordering = ["institution", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="unique_price_item_per_institution"),
        ]

    def __str__(self):
        return f"{self.institution.name}：{self.name}"

    def current_version(self, today=None):
        """The version in force today (None before the first takes effect)."""
        today = today or timezone.localdate()
        return self.versions.filter(effective_date__lte=today).order_by("-effective_date", "-pk").first()


class PriceVersionQuerySet(RegionScopedQuerySet):
    def in_force(self, today=None):
        """The current version of every item: the newest one already in effect."""
        today = today or timezone.localdate()
        newer = PriceVersion.objects.filter(
            item=models.OuterRef("item"), effective_date__lte=today,
        ).order_by("-effective_date", "-pk").values("pk")[:1]
        return self.filter(effective_date__lte=today, pk=models.Subquery(newer))


class PriceVersion(models.Model):
    item = models.ForeignKey(PriceItem, verbose_name="收费项目", on_delete=models.CASCADE, related_name="versions")
    charge_type = models.CharField("收费方式", max_length=10, choices=ChargeType.choices, default=ChargeType.PRICED)
    price = models.DecimalField(
        "价格（元）", max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))], help_text="免费项目不填。",
    )
    pricing_form = models.CharField("价格管理形式", max_length=12, choices=PricingForm.choices)
    basis = models.CharField("收费依据", max_length=200, blank=True, help_text="如：鞍发改价〔2024〕×号")
    effective_date = models.DateField("执行日期")
    complaint_phone = models.CharField(
        "价格投诉电话", max_length=30, default=COMPLAINT_PHONE, validators=[validate_phone_number],
    )
    note = models.CharField("调价说明", max_length=200, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+",
    )
    rise_share = models.DecimalField(
        "较上一版本涨幅", max_digits=8, decimal_places=4, null=True, blank=True, editable=False,
    )
    flagged = models.BooleanField("涨幅超过提示比例", default=False, editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )

    objects = PriceVersionQuerySet.as_manager()

    region_lookup = "item__institution__county"

    class Meta:
        verbose_name = "价格版本"
        verbose_name_plural = "价格（新增即调价）"
        ordering = ["item", "-effective_date", "-pk"]

    def __str__(self):
        return f"{self.item.name} {self.price_display}（{self.effective_date:%Y-%m-%d}起）"

    @property
    def price_display(self):
        if self.charge_type == ChargeType.FREE:
            return "免费"
        amount = f"{self.price:.2f} 元" if self.price is not None else ""
        prefix = "低偿 " if self.charge_type == ChargeType.LOW_COST else ""
        return f"{prefix}{amount}/{self.item.unit}" if amount else prefix.strip()

    price_display.fget.short_description = "价格"  # the listing's column heading

    @property
    def amount(self):
        return Decimal("0") if self.charge_type == ChargeType.FREE else self.price

    def clean(self):
        errors = {}
        if self.charge_type == ChargeType.FREE:
            self.price = None
        elif self.price is None:
            errors["price"] = "收费或低偿项目请填写价格（元）；免费项目请将收费方式选为“免费”。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.pk is None:
            self._compare_with_previous()
        super().save(*args, **kwargs)

    def _compare_with_previous(self):
        previous = (
            PriceVersion.objects.filter(item_id=self.item_id, effective_date__lte=self.effective_date)
            .order_by("-effective_date", "-pk").first()
        )
        self.previous = previous
        self.rise_share = None
        self.flagged = False
        if previous is None:
            return
        old, new = previous.amount, self.amount
        if old is None or new is None:
            return
        if old == 0:
            # From free to paid is a rise of any size.
            self.flagged = new > 0
            return
        self.rise_share = (new - old) / old
        threshold = PriceSettings.load().rise_alert_pct / Decimal(100)
        self.flagged = self.rise_share > threshold

    @property
    def rise_display(self):
        if self.rise_share is None:
            return ""
        return f"{self.rise_share:+.1%}"
