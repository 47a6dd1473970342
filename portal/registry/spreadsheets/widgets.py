"""Cell cleaning as django-import-export widgets: one ``clean`` (cell → value) and one ``render``.

The Annex layouts and the flat-registry resources (``flat.py``) declare their
columns with these, so "full-width digits", "√ means 1" or "上半年 means H1"
are stated once. A bad cell raises ``CellError`` (a ValueError, as
django-import-export expects) carrying the problem and the fix in Chinese.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from import_export import widgets

from .reader import CellError, check_length, clean_count, clean_mark, clean_text, is_blank, normalise_header


class TextWidget(widgets.CharWidget):
    def __init__(self, max_length=None, required=False, label=""):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.max_length = max_length
        self.required = required
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = clean_text(value)
        if self.required and not text:
            raise CellError(f"{self.label or '此列'}为空", f"填写{self.label or '内容'}")
        return check_length(text, self.max_length) if self.max_length else text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class CountWidget(widgets.IntegerWidget):
    """A head-count or visit count: blank is 0; "１２", "12人", "12.0" are 12."""

    def clean(self, value, row=None, **kwargs):
        return clean_count(value)

    def render(self, value, obj=None, **kwargs):
        return value


class OptionalCountWidget(CountWidget):
    """A count that may be left blank (blank stays "not reported", not 0)."""

    def clean(self, value, row=None, **kwargs):
        return None if is_blank(value) else clean_count(value)


class MarkWidget(widgets.BooleanWidget):
    """A tick cell: "1", "√", "✓", "是", "有" … are True; blank, "0", "否" False."""

    def clean(self, value, row=None, **kwargs):
        return clean_mark(value)

    def render(self, value, obj=None, **kwargs):
        return 1 if value else None


class YesNoWidget(MarkWidget):
    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class YearWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = unicodedata.normalize("NFKC", clean_text(value)).removesuffix("年")
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isdigit() and 2000 <= int(text) <= 2100):
            raise CellError("年度应为四位年份", "填写如“2026”的年份")
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return value


_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")


class PercentWidget(widgets.DecimalWidget):
    """A percentage 0–100: "65", "65%", "６５％"; a fraction such as 0.65 is read as 65%."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = Decimal(str(value))
            if 0 < number < 1 and isinstance(value, float):
                number *= 100  # a cell formatted as a percentage holds the fraction
        else:
            match = _PERCENT.match(unicodedata.normalize("NFKC", clean_text(value)))
            if not match:
                raise CellError("应为百分比", "填写 0 到 100 之间的数，如“65”或“65%”")
            try:
                number = Decimal(match[1])
            except InvalidOperation:
                raise CellError("应为百分比", "填写 0 到 100 之间的数") from None
        if not 0 <= number <= 100:
            raise CellError("百分比应在 0 到 100 之间", "填写 0 到 100 之间的数")
        return number.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return None if value is None else float(value)


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (or its stored value, or an alias)."""

    def __init__(self, choices, label, aliases=None, required=True):
        super().__init__(coerce_to_string=True)
        self.by_text = {}
        for value, text in choices:
            self.by_text[normalise_header(text)] = value
            self.by_text[normalise_header(value)] = value
        for alias, value in (aliases or {}).items():
            self.by_text[normalise_header(alias)] = value
        self.labels = dict(choices)
        self.label = label
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = normalise_header(unicodedata.normalize("NFKC", clean_text(value)))
        if not text and not self.required:
            return ""
        if text not in self.by_text:
            raise CellError(f"{self.label}无法识别", "填写以下之一：" + "、".join(str(v) for v in self.labels.values()))
        return self.by_text[text]

    def render(self, value, obj=None, **kwargs):
        return str(self.labels.get(value, value or ""))
