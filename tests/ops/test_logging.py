import io
import json
import logging

import pytest

from portal.ops.logging import MASK, redact

PHONE = "13812345678"
LANDLINE = "0412-5551234"
ID_NUMBER = "21030219850612301X"
EMAIL = "wang.fang@example.com"


@pytest.mark.parametrize("text", [
    f"电话 {PHONE}", "手机：+86 138 1234 5678", "138-1234-5678", f"座机{LANDLINE}", "(024)23456789",
    f"身份证号{ID_NUMBER}", "身份证 210302198506123018", f"邮箱 {EMAIL}",
])
def test_redact_masks_personal_numbers(text):
    masked = redact(text)
    assert MASK in masked
    for digits in ("1381234", "5551234", "19850612", "23456789", "wang.fang"):
        assert digits not in masked


@pytest.mark.parametrize("text", ["区划 210302", "2026年12月底前", "共 29 项任务", "耗时 12.5 ms", "/admin/registry/institution/123/"])
def test_redact_keeps_ordinary_numbers(text):
    assert redact(text) == text


@pytest.fixture
def log_output():
    """The text the configured console handler writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    old_stream = handler.setStream(stream)
    request_logger = logging.getLogger("portal.request")
    old_level = request_logger.level
    request_logger.setLevel(logging.INFO)
    yield stream
    request_logger.setLevel(old_level)
    handler.setStream(old_stream)


@pytest.mark.django_db
@pytest.mark.urls("tests.ops.urls")
def test_a_logged_request_with_a_phone_number_keeps_it_out_of_the_log(client, log_output):
    from django.test import Client

    client = Client(raise_request_exception=False)
    form = {"name": "王芳", "phone": PHONE, "id_number": ID_NUMBER, "email": EMAIL, "message": "机构收费不透明"}
    ok = client.post(f"/test-errors/form/?callback={PHONE}", form)
    failed = client.post("/test-errors/form/", {**form, "fail": "1"})
    assert ok.status_code == 200 and failed.status_code == 500

    output = log_output.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    # The careless view's lines, the access log and the 500's traceback were all written …
    assert any(line["message"].startswith("form received") for line in lines)
    assert any(line["logger"] == "portal.request" and line.get("status") == 500 for line in lines)
    assert any(
        line["logger"] == "django.request" and "Traceback" in line.get("exc_info", "")
        and line["request_id"] == failed["X-Request-ID"] for line in lines
    )
    # … with the request id of each request …
    assert {line["request_id"] for line in lines if line["logger"] == "portal.request"} == {ok["X-Request-ID"], failed["X-Request-ID"]}
    # … and no personal data.
    for secret in (PHONE, "1381234", ID_NUMBER, "19850612", EMAIL):
        assert secret not in output
    assert MASK in output


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept_only_when_sane(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e11")
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged log line")
    assert kept["X-Request-ID"] == "lb-7f3a9c2e11"
    assert replaced["X-Request-ID"] != "bad id\nforged log line"
    assert len(replaced["X-Request-ID"]) == 24


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "q=%20wang.fang@example.com", "q=+13812345678", "q=%2013812345678", "q=%E7%94%B5%E8%AF%9D13812345678",
    "q=%2B86%20138%201234%205678", "id=%2021030219850612301X", "q=wang.fang%40example.com",
])
def test_personal_data_percent_encoded_in_the_query_string_is_masked(client, log_output, query):
    client.get(f"/no-such-page/?{query}")  # a 404: the access line and django.request's warning
    output = log_output.getvalue()
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(line["logger"] == "portal.request" and line.get("status") == 404 for line in lines)
    assert any(line["logger"] == "django.request" for line in lines)
    for secret in ("1381234", "1234 5678", "19850612", "wang.fang", "example.com"):
        assert secret not in output, (secret, output)
    assert MASK in output


def test_masking_takes_linear_time_on_long_words():
    import time

    started = time.monotonic()
    masked = redact("x" * 200_000 + " wang.fang@example.com " + "9" * 100_000)
    assert time.monotonic() - started < 2  # quadratic backtracking took minutes
    assert "wang.fang" not in masked and MASK in masked
