"""Structured (JSON) logs with request ids, and masking of personal data.

Phone numbers, ID-card numbers and the contact fields of the supervision
channel must never reach a log file. Masking happens twice: a filter
rewrites each record's message, arguments and extra fields, and the
formatter masks the finished line (tracebacks included), so a careless
``logger.info(form.data)`` anywhere still writes no number.
"""

import contextvars
import logging
import re
from urllib.parse import unquote_plus

from django.http import HttpRequest
from pythonjsonlogger.json import JsonFormatter

request_id_var = contextvars.ContextVar("request_id", default="-")

MASK = "[已隐去]"

# Order matters: ID-card numbers (18 digits) before phone numbers.
PATTERNS = [
    # Resident ID card: 6-digit area, 8-digit birth date, 3 digits, check digit.
    re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"),
    # Mainland mobile numbers, with an optional +86 / 86 prefix and spaces or dashes.
    re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)"),
    # Landlines with area code: 0412-1234567, (024)12345678, 024 1234 5678.
    re.compile(r"(?<!\d)\(?0\d{2,3}\)?[ -]?\d{3,4}[ -]?\d{4}(?!\d)"),
    # E-mail addresses. Tried only where a run of address characters starts, and
    # without backtracking (possessive): the plain pattern backtracked
    # quadratically over a long run of letters (minutes for a long URL).
    re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+"),
]

# Fields whose value is masked whatever it looks like (form data, extra=…).
SENSITIVE_KEY = re.compile(r"phone|mobile|tel|contact|email|id_?card|id_?number|identity|address", re.I)


def redact(text):
    if not text:
        return text
    text = str(text)
    for pattern in PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def request_target(request, limit=500):
    """The path and query string as a log line shows them: decoded first, so a
    number or address after an encoded space ("%20", "+") or "%40" is seen and
    masked, then shortened."""
    query = request.META.get("QUERY_STRING", "")
    target = request.path + ("?" + unquote_plus(query, errors="replace") if query else "")
    # Masking only shortens the text: cutting at 4 × limit first cannot leave half a number in the result.
    return redact(target[: 4 * limit])[:limit]


def _redact_value(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, HttpRequest):  # django.request passes the request: never its raw query string
        return f"{value.method} {request_target(value)}"
    if isinstance(value, dict):
        return {k: (MASK if SENSITIVE_KEY.search(str(k)) else _redact_value(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redact_value(v) for v in value)
    if hasattr(value, "lists") and callable(value.lists):  # QueryDict / MultiValueDict
        return {k: (MASK if SENSITIVE_KEY.search(str(k)) else _redact_value(v)) for k, v in value.lists()}
    return value


_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        # django.request logs after the middleware has returned; it passes the request.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class RedactFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        for key, value in list(record.__dict__.items()):
            if key in _STANDARD_ATTRS:
                continue
            if SENSITIVE_KEY.search(key):
                setattr(record, key, MASK)
            else:
                setattr(record, key, _redact_value(value))
        return True


class RedactingJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "time"})
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)

    def format(self, record):
        return redact(super().format(record))
