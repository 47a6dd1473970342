"""The public supervision forms (the message, its follow-up and rating) and the inbox's edit form."""

from django import forms
from django.utils import timezone
from wagtail.admin.widgets import AdminDateInput

from portal.registry.forms import RegionScopedAdminForm
from portal.registry.models import Region, RegionLevel

from .models import CallbackMethod, MessageCallback, MessageRating, SupervisionMessage
from .validators import PHONE_HELP, is_phone_number, normalise_phone

HONEYPOT_FIELD = "homepage"


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, region):
        return region.name if region.level != RegionLevel.COUNTY else f"　{region.name}"


class SupervisionMessageForm(forms.ModelForm):
    region = RegionChoiceField(
        label="涉及地区", empty_label="请选择市或县（市、区）", queryset=Region.objects.none(),
        error_messages={"required": "请选择涉及的地区。", "invalid_choice": "请从列表中选择涉及的地区。"},
    )
    # Left empty by people; filled in by form-filling robots. Hidden from
    # sighted users and screen readers alike (class .hp, aria-hidden).
    homepage = forms.CharField(label="网址（请勿填写）", required=False)

    class Meta:
        model = SupervisionMessage
        fields = ["region", "concerns", "content", "contact_name", "contact_phone", "contact_email"]
        labels = {"contact_name": "您的称呼（选填）", "contact_phone": "联系电话（选填）", "contact_email": "电子邮箱（选填）"}
        help_texts = {
            "concerns": "如：××康复驿站、××区民政局",
            "content": "请写明时间、地点和经过，不超过 3000 字。请勿填写患者姓名、身份证号等个人信息。",
            "contact_phone": "仅办理本留言的工作人员可见，用于回访。",
        }
        error_messages = {
            "concerns": {"required": "请填写反映对象（涉及的机构或部门）。"},
            "content": {"required": "请填写反映内容。", "max_length": "反映内容不能超过 3000 字（现有 %(show_value)d 字）。"},
            "contact_email": {"invalid": "电子邮箱格式不正确，如：name@example.com。"},
        }
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY], is_active=True,
        ).order_by("path")
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_spam(self):
        return bool(self.data.get(HONEYPOT_FIELD))

    def clean_contact_phone(self):
        phone = normalise_phone(self.cleaned_data.get("contact_phone"))
        if phone and not is_phone_number(phone):
            raise forms.ValidationError(f"联系电话格式不正确。请填写{PHONE_HELP}")
        return phone


class FollowUpForm(forms.Form):
    """进度查询: the two things the writer was given at submission."""

    NOT_FOUND = "留言编号或查询码不正确。请核对提交留言时显示的留言编号和查询码（查询码不区分大小写）。"

    reference = forms.CharField(
        label="留言编号", max_length=20, help_text="如：JK20261120-3F9A2C",
        error_messages={"required": "请填写留言编号。"},
    )
    check_code = forms.CharField(
        label="查询码", max_length=20, help_text="提交留言时显示的 8 位查询码，如：K7PX-3MQD",
        error_messages={"required": "请填写查询码。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["check_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class RatingForm(forms.ModelForm):
    """好差评: 满意 / 基本满意 / 不满意, with a comment (required for 不满意)."""

    class Meta:
        model = MessageRating
        fields = ["rating", "comment"]
        labels = {"rating": "您对答复的评价", "comment": "评价意见"}
        help_texts = {"comment": "选择“不满意”时必填，请写明原因，留言将重新办理。不超过 500 字。"}
        error_messages = {
            "rating": {"required": "请选择满意、基本满意或不满意。", "invalid_choice": "请选择满意、基本满意或不满意。"},
            "comment": {"max_length": "评价意见不能超过 500 字（现有 %(show_value)d 字）。"},
        }
        widgets = {"rating": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio group with no preselected answer.
        self.fields["rating"].choices = [c for c in self.fields["rating"].choices if c[0]]


class MessageHandlingForm(RegionScopedAdminForm):
    """The inbox's edit form, with a 回访 to record alongside (kept as its own row)."""

    callback_on = forms.DateField(label="回访日期", required=False, widget=AdminDateInput)
    callback_method = forms.ChoiceField(label="回访方式", choices=CallbackMethod.choices, initial=CallbackMethod.PHONE,
                                        required=False)
    callback_result = forms.CharField(
        label="回访情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="与留言人沟通的情况和留言人的意见。填写后保存即记入回访记录（记录后不能修改）。",
    )

    def clean(self):
        cleaned = super().clean()
        result = (cleaned.get("callback_result") or "").strip()
        if result:
            # Staged on the message: its own rule (no closing without a 回访) sees it,
            # and its save() stores it.
            self.instance.callback_to_record = MessageCallback(
                called_on=cleaned.get("callback_on") or timezone.localdate(),
                method=cleaned.get("callback_method") or CallbackMethod.PHONE,
                result=result, recorded_by=getattr(self, "for_user", None),
            )
        elif cleaned.get("callback_on"):
            self.add_error("callback_result", "请填写回访情况。")
        return cleaned
