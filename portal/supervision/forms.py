"""The public supervision form: who it concerns, what happened, optional contact."""

from django import forms

from portal.registry.models import Region, RegionLevel

from .models import SupervisionMessage
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
