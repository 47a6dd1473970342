from django import forms

from .segmenter import MAX_QUERY_CHARS


class SiteSearchForm(forms.Form):
    """The /search/ parameters; bad values become form errors, never a 500."""

    q = forms.CharField(label="搜索", required=False, max_length=MAX_QUERY_CHARS, strip=True,
                        error_messages={"max_length": "搜索词太长：请不超过 %(limit_value)d 个字。"})
    section = forms.MultipleChoiceField(label="栏目", required=False)
    date_from = forms.DateField(label="起始日期", required=False,
                                error_messages={"invalid": "起始日期格式不对：请按 2025-01-31 的格式填写。"})
    date_to = forms.DateField(label="截止日期", required=False,
                              error_messages={"invalid": "截止日期格式不对：请按 2025-12-31 的格式填写。"})
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = list(sections)

    def clean_section(self):
        return self.cleaned_data.get("section") or []

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data
