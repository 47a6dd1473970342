"""The supervision channel (监督渠道): hotlines, and the messages the public sends."""

import re
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
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
    lookups_per_hour = models.PositiveSmallIntegerField(
        "每个来源每小时最多查询次数", default=20,
        help_text="留言进度查询和评价共用此上限，防止有人逐个猜测查询码。",
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
    # The writer was not satisfied with the reply (好差评 "不满意").
    REOPENED = "reopened", "重新办理"
    ANSWERED = "answered", "已答复"


def new_reference():
    return timezone.localdate().strftime("JK%Y%m%d-") + secrets.token_hex(3).upper()


# What new_reference() makes: a reference in a URL is shown back only if it looks like one.
REFERENCE_RE = re.compile(r"JK\d{8}-[0-9A-F]{6}")


# No 0/O, 1/I/L: the code is read off a screen and typed on a phone.
CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_CODE_LENGTH = 8


def new_check_code():
    """"K7PX-3MQD": 8 characters of 31, about 40 bits, shown once to the writer."""
    code = "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_check_code(value):
    """What the writer typed, as it was issued: case, spaces and dashes do not matter."""
    code = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return f"{code[:4]}-{code[4:]}" if len(code) == CHECK_CODE_LENGTH else code


class SupervisionMessageQuerySet(RegionScopedQuerySet):
    def overdue(self, today=None):
        """Not answered and past the due date: ``SupervisionMessage.is_overdue_on`` in SQL."""
        today = today or timezone.localdate()
        return self.exclude(status=MessageStatus.ANSWERED).filter(due_date__lt=today)

    def awaiting_callback(self):
        """Reopened after a 不满意 rating, no 回访 recorded since: ``SupervisionMessage.needs_callback`` in SQL."""
        callbacks = MessageCallback.objects.filter(message=models.OuterRef("pk"), recorded_at__gte=models.OuterRef("reopened_at"))
        return self.filter(reopened_at__isnull=False).exclude(models.Exists(callbacks))

    def find_for_follow_up(self, reference, check_code):
        """The message the writer may follow up with these two, or None.

        Only a hash of the check code is stored; a wrong code and an unknown
        reference look alike, and take the same time to refuse.
        """
        reference = (reference or "").strip().upper()
        code = normalise_check_code(check_code)
        message = self.filter(reference=reference).exclude(check_code_hash="").first() if reference else None
        if message is None:
            make_password(code)  # the time a real check takes
            return None
        return message if message.check_code_matches(code) else None

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
    # Follow-up (进度查询): the writer gets the reference and a check code; only its hash is kept.
    check_code_hash = models.CharField("查询码（散列）", max_length=128, blank=True, editable=False)
    reopened_at = models.DateTimeField(
        "重新办理时间", null=True, blank=True, editable=False,
        help_text="留言人对答复“不满意”时重新办理；再次答复前须记录回访。",
    )

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
        callback, self.callback_to_record = getattr(self, "callback_to_record", None), None
        if callback is not None:
            callback.message = self
            callback.save()

    def reply_working_days(self):
        """Working days allowed for the reply: three for an error report, the setting otherwise."""
        if self.message_type == MessageType.ERROR_REPORT:
            return ERROR_REPORT_WORKING_DAYS
        return SupervisionSettings.load().reply_working_days

    def is_overdue_on(self, today):
        """See ``SupervisionMessageQuerySet.overdue``: the same rule in SQL."""
        return self.status != MessageStatus.ANSWERED and self.due_date is not None and self.due_date < today

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())

    # --- follow-up and 好差评 ---------------------------------------------------

    def issue_check_code(self):
        """Give the message a new check code; returns it (the only time it is readable)."""
        code = new_check_code()
        self.check_code_hash = make_password(code)
        return code

    def check_code_matches(self, code):
        return bool(self.check_code_hash) and check_password(normalise_check_code(code), self.check_code_hash)

    def latest_rating(self):
        ratings = getattr(self, "_prefetched_objects_cache", {}).get("ratings")
        if ratings is not None:
            return max(ratings, key=lambda r: (r.rated_at, r.pk), default=None)
        return self.ratings.order_by("-rated_at", "-pk").first()

    def can_be_rated(self):
        """The writer rates each reply once: an answered message not yet rated since it was answered."""
        if self.status != MessageStatus.ANSWERED or self.replied_at is None:
            return False
        return not self.ratings.filter(rated_at__gte=self.replied_at).exists()

    def rate(self, rating, comment=""):
        """Record the writer's rating of the reply. 不满意 reopens the message:
        a new due date, and a 回访 is required before it is answered again."""
        with transaction.atomic():
            # Locked, so two clicks on 提交评价 make one rating.
            message = type(self).objects.select_for_update().get(pk=self.pk)
            if not message.can_be_rated():
                raise ValidationError("这条答复已经评价过，或留言尚未答复，不能再评价。")
            recorded = MessageRating(message=message, rating=rating, comment=comment.strip())
            recorded.full_clean()
            recorded.save()
            if rating == Rating.DISSATISFIED:
                message.status = MessageStatus.REOPENED
                message.reopened_at = recorded.rated_at
                message.replied_at = None
                message.due_date = self.due_date_from(timezone.localtime(recorded.rated_at).date())
                message.save(update_fields=["status", "reopened_at", "replied_at", "due_date"])
        self.refresh_from_db()
        return recorded

    @staticmethod
    def due_date_from(start):
        return add_working_days(start, SupervisionSettings.load().reply_working_days)

    def needs_callback(self):
        """Reopened and no 回访 recorded since: it may not be answered (closed) again yet.
        ``SupervisionMessageQuerySet.awaiting_callback`` is the same rule in SQL."""
        if self.reopened_at is None:
            return False
        if getattr(self, "callback_to_record", None) is not None:
            return False
        return not self.callbacks.filter(recorded_at__gte=self.reopened_at).exists()

    def clean(self):
        errors = {}
        if self.status == MessageStatus.ANSWERED and not self.reply.strip():
            errors["reply"] = "状态为“已答复”时，请填写答复内容。"
        if self.status == MessageStatus.ANSWERED and self.pk and self.needs_callback():
            errors["status"] = "留言人对上次答复不满意，重新办理后须先记录回访情况，才能再次答复办结。"
        if self.publish_qa and not self.public_question.strip():
            errors["public_question"] = "公开为问答时，请填写已去除个人信息的公开问题。"
        # A reopened Q&A (answered before) stays ticked: published_qa() shows it again once answered again.
        if self.publish_qa and self.status != MessageStatus.ANSWERED and self.reopened_at is None:
            errors["publish_qa"] = "只有已答复的留言才能公开为问答。"
        if errors:
            raise ValidationError(errors)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class MessageRating(models.Model):
    """好差评: the writer's rating of one reply (a reopened message may be rated again)."""

    message = models.ForeignKey(SupervisionMessage, verbose_name="留言", on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField("评价", max_length=20, choices=Rating.choices)
    comment = models.TextField("评价意见", max_length=500, blank=True)
    rated_at = models.DateTimeField("评价时间", default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "message__region"

    class Meta:
        verbose_name = "留言评价"
        verbose_name_plural = "留言评价"
        ordering = ["-rated_at", "-pk"]

    def __str__(self):
        return f"{self.message.reference} {self.get_rating_display()}"

    def clean(self):
        if self.rating == Rating.DISSATISFIED and not self.comment.strip():
            raise ValidationError({"comment": "选择“不满意”时，请写明不满意的原因，以便重新办理。"})


class CallbackMethod(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门"
    SMS = "sms", "短信"
    OTHER = "other", "其他"


class MessageCallback(models.Model):
    """回访: staff call the writer back after a 不满意 rating, before answering again."""

    message = models.ForeignKey(
        SupervisionMessage, verbose_name="留言", on_delete=models.CASCADE, related_name="callbacks",
    )
    called_on = models.DateField("回访日期", default=timezone.localdate)
    method = models.CharField("回访方式", max_length=10, choices=CallbackMethod.choices, default=CallbackMethod.PHONE)
    result = models.TextField("回访情况", max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now, editable=False)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "message__region"

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.message.reference} {self.get_method_display()}回访 {self.called_on:%Y-%m-%d}"
