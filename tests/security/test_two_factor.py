"""Two-factor authentication: optional for staff, required for 省级管理员 when on."""

import time

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_token(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(device.digits)


def fresh_login(user):
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_off_by_default_province_admin_needs_no_device(province_admin):
    assert fresh_login(province_admin).get("/admin/").status_code == 200


@override_settings(TWO_FACTOR_ENABLED=True)
def test_province_admin_must_enrol_then_verify_at_each_login(province_admin):
    client = fresh_login(province_admin)
    response = client.get("/admin/registry/institution/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/setup/")

    setup = client.get(response["Location"])
    assert setup.status_code == 200
    text = setup.content.decode()
    assert "开启两步验证" in text and "<svg" in text and "<script" not in text.split("two-factor-qr")[1][:2000]
    device = TOTPDevice.objects.get(user=province_admin)
    assert not device.confirmed

    wrong = client.post("/admin/2fa/setup/", {"token": "000000" if current_token(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles after a failure
    done = client.post("/admin/2fa/setup/", {"token": current_token(device), "next": "/admin/registry/institution/"})
    assert done.status_code == 302 and done["Location"] == "/admin/registry/institution/"
    assert client.get("/admin/registry/institution/").status_code == 200

    # A new login asks for the code before anything else.
    device.refresh_from_db()
    again = fresh_login(province_admin)
    blocked = again.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/admin/2fa/verify/")
    assert again.get("/admin/pages/").status_code == 302
    device.last_t = -1  # allow the same time step again in this test
    device.save()
    verified = again.post("/admin/2fa/verify/", {"token": current_token(device), "next": "/admin/"})
    assert verified.status_code == 302
    assert again.get("/admin/").status_code == 200


@override_settings(TWO_FACTOR_ENABLED=True)
def test_other_staff_may_enrol_and_then_must_verify(county_admin):
    client = fresh_login(county_admin)
    assert client.get("/admin/").status_code == 200  # optional: not forced
    assert "两步验证" in client.get("/admin/account/").content.decode()
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=county_admin)
    assert client.post("/admin/2fa/setup/", {"token": current_token(device)}).status_code == 302

    again = fresh_login(county_admin)
    response = again.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/verify/")


@override_settings(TWO_FACTOR_ENABLED=True)
def test_verify_refuses_a_wrong_code_and_an_outside_redirect(county_admin):
    device = TOTPDevice.objects.create(user=county_admin, name="phone", confirmed=True)
    client = fresh_login(county_admin)
    wrong = client.post("/admin/2fa/verify/", {"token": "12345x"})
    assert wrong.status_code == 200 and "6 位数字" in wrong.content.decode()
    time.sleep(1.1)
    ok = client.post("/admin/2fa/verify/", {"token": current_token(device), "next": "https://evil.example/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
