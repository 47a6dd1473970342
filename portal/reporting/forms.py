"""The forms of the reporting screens; every rule behind them is in ``service``."""

from django import forms

from .models import REPORT_FIELDS, SubmissionSource, SubmittedReport
from .service import max_upload_bytes


class FiguresForm(forms.ModelForm):
    """A county's progress figures for the period (the CountyReport fields)."""

    class Meta:
        model = SubmittedReport
        fields = REPORT_FIELDS


class NoteForm(forms.Form):
    warning_note = forms.CharField(
        label="情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="报送时如有提示（如人数变化较大），请在这里说明原因；没有提示可不填。",
    )


class SubmitForm(NoteForm):
    source = forms.ChoiceField(choices=SubmissionSource.choices, widget=forms.HiddenInput)
    workbook_sha256 = forms.CharField(required=False, widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label="附件1表格", help_text="Excel 工作簿（.xlsx）或 CSV（GBK 或 UTF-8 编码），按附件1《精康服务机构基本情况统计表》填写。")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"文件大小 {upload.size / 1048576:.1f} MB，超过了 {limit / 1048576:.0f} MB 的上限。")
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "审核通过（锁定）"), ("return", "退回")])
    reason = forms.CharField(label="退回理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def row_notes(self, data):
        """{row id: note} from the 逐行意见 inputs (named note-<id>)."""
        notes = {}
        for key, value in data.items():
            if key.startswith("note-") and key[5:].isdigit() and value.strip():
                notes[int(key[5:])] = value
        return notes


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        from .models import SubmissionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部")] + list(SubmissionStatus.choices) + [("overdue", "已逾期未报")]
