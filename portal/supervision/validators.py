"""Chinese phone numbers as hotlines are written: mobiles, landlines with an
area code, the short government service numbers and 400/800 numbers."""

import re

from django.core.exceptions import ValidationError

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－（）　", "0123456789-() ")
_PATTERNS = [
    re.compile(r"1[3-9]\d{9}"),  # mobile
    re.compile(r"0\d{2,3}-?[1-9]\d{6,7}(-\d{1,6})?"),  # landline, optional extension
    re.compile(r"\(0\d{2,3}\)[1-9]\d{6,7}"),  # (0412)1234567
    re.compile(r"12\d{3}"),  # 12345, 12315, 12320, 12349 …
    re.compile(r"[48]00-?\d{3}-?\d{4}"),  # 400/800 numbers
]
PHONE_HELP = "手机号 11 位（如 13800000000）、固定电话带区号（如 0412-2220000），或 12345 等政务服务热线。"


def normalise_phone(value):
    return (value or "").translate(_FULL_WIDTH).replace(" ", "").strip()


def is_phone_number(value):
    value = normalise_phone(value)
    return any(p.fullmatch(value) for p in _PATTERNS)


def validate_phone_number(value):
    if not is_phone_number(value):
        raise ValidationError(f"“{value}”不是有效的电话号码。请填写{PHONE_HELP}", code="invalid_phone")
