"""The supervision channel (监督渠道): hotlines, and the messages the public sends."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from portal.registry.models import Department, Institution, Region, RegionScopedQuerySet

from .validators import PHONE_HELP, normalise_phone, validate_phone_number
from .workdays import add_working_days

FALLBACK_HOTLINE = "12345"


@register_setting(icon="mail")
class SupervisionSettings(BaseGenericSetting):
    reply_working_days = models.PositiveSmallIntegerField(
        "答复期限（工作日）", default=15, help_text="留言受理后应在多少个工作日内答复。",
    )
    messages_per_hour = models.PositiveSmallIntegerField(
        "每个来源每小时最多留言数", default=5, help_text="防止刷屏：同一来源一小时内超过此数的留言将被拒绝。",
    )

    class Meta:
        verbose_name = "监督渠道设置"


class Hotline(models.Model):
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="hotlines")
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.SET_NULL, null=True, blank=True, related_name="hotlines",
    )
    name = models.CharField("名称", max_length=100, help_text="如：鞍山市民政局精康服务监督电话")
    number = models.CharField("电话号码", max_length=30, validators=[validate_phone_number], help_text=PHONE_HELP)
    hours = models.CharField("受理时间", max_length=100, blank=True, help_text="如：工作日 8:30—17:00")
    official_account = models.CharField("微信公众号", max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_sample = models.BooleanField("示例数据", default=False, editable=False)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "监督电话"
        verbose_name_plural = "监督电话"
        ordering = ["region__path", "sort_order", "pk"]

    def __str__(self):
        return f"{self.name} {self.number}"

    def save(self, *args, **kwargs):
        self.number = normalise_phone(self.number)
        super().save(*args, **kwargs)


class MessageType(models.TextChoices):
    SUPERVISION = "supervision", "监督留言"
    # The 纠错 link in every public page's footer (portal/inspection/corrections.py).
    ERROR_REPORT = "error_report", "网页纠错"


# Government-site rules: an error report on a page is answered within three working days.
ERROR_REPORT_WORKING_DAYS = 3


class MessageStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    HANDLING = "handling", "办理中"
    ANSWERED = "answered", "已答复"


def new_reference():
    return timezone.localdate().strftime("JK%Y%m%d-") + secrets.token_hex(3).upper()


class SupervisionMessageQuerySet(RegionScopedQuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(status=MessageStatus.ANSWERED).filter(due_date__lt=today)

    def published_qa(self):
        return self.filter(publish_qa=True, status=MessageStatus.ANSWERED).exclude(public_question="")


class SupervisionMessage(models.Model):
    """A message from the public. Its contact fields are personal data: only
    staff whose regions cover ``region`` ever see them."""

    reference = models.CharField("留言编号", max_length=20, unique=True, default=new_reference, editable=False)
    message_type = models.CharField(
        "留言类型", max_length=20, choices=MessageType.choices, default=MessageType.SUPERVISION, editable=False,
    )
    region = models.ForeignKey(Region, verbose_name="涉及地区", on_delete=models.PROTECT, related_name="supervision_messages")
    institution = models.ForeignKey(
        Institution, verbose_name="涉及机构", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="supervision_messages",
    )
    concerns = models.CharField("反映对象", max_length=200, help_text="涉及的机构、部门或服务名称")
    content = models.TextField("反映内容", max_length=3000)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("电子邮箱", blank=True)
    received_at = models.DateTimeField("受理时间", default=timezone.now, editable=False)
    due_date = models.DateField("答复期限", null=True, blank=True)
    status = models.CharField("办理状态", max_length=12, choices=MessageStatus.choices, default=MessageStatus.RECEIVED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    publish_qa = models.BooleanField(
        "公开为问答", default=False, help_text="勾选后，下方“公开问题”与答复内容在监督渠道页面公开。请先去除姓名、电话等个人信息。",
    )
    public_question = models.TextField("公开问题（已匿名化）", blank=True)

    objects = SupervisionMessageQuerySet.as_manager()

    region_lookup = "region"
    # Shown only to the staff handling the message's region.
    staff_only_fields = ("contact_name", "contact_phone", "contact_email")

    class Meta:
        verbose_name = "监督留言"
        verbose_name_plural = "监督留言"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.reference} {self.concerns[:20]}"

    def save(self, *args, **kwargs):
        if self.due_date is None:
            self.due_date = add_working_days(timezone.localtime(self.received_at).date(), self.reply_working_days())
        if self.status == MessageStatus.ANSWERED and self.replied_at is None:
            self.replied_at = timezone.now()
        super().save(*args, **kwargs)

    def reply_working_days(self):
        """Working days allowed for the reply: three for an error report, the setting otherwise."""
        if self.message_type == MessageType.ERROR_REPORT:
            return ERROR_REPORT_WORKING_DAYS
        return SupervisionSettings.load().reply_working_days

    def is_overdue_on(self, today):
        return self.status != MessageStatus.ANSWERED and self.due_date is not None and self.due_date < today

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.status == MessageStatus.ANSWERED and not self.reply.strip():
            errors["reply"] = "状态为“已答复”时，请填写答复内容。"
        if self.publish_qa and not self.public_question.strip():
            errors["public_question"] = "公开为问答时，请填写已去除个人信息的公开问题。"
        if self.publish_qa and self.status != MessageStatus.ANSWERED:
            errors["publish_qa"] = "只有已答复的留言才能公开为问答。"
        if errors:
            raise ValidationError(errors)
