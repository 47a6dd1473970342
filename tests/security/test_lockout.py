"""Admin login lockout (django-axes): per account and address together, and a
separate, higher limit per address across accounts that a successful login
does not reset (portal/ops/lockout.py)."""

import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from tests.conftest import PASSWORD

LIMIT = 5
IP_LIMIT = 8
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=LIMIT, AXES_IP_FAILURE_LIMIT=IP_LIMIT):
        yield


def login(username, password, ip="203.0.113.10"):
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/admin/login/", {"username": username, "password": password})


def assert_locked(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text and "1 小时" in text
    assert "登录锁定" in text  # where an administrator unlocks it


@pytest.fixture
def editor(make_staff):
    return make_staff("zhangsan", "编辑")


def test_not_locked_before_the_limit(editor):
    for _ in range(LIMIT - 1):
        _, response = login("zhangsan", "wrong-password")
        assert response.status_code == 200
        assert "登录已暂时锁定" not in response.content.decode()
    client, response = login("zhangsan", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_locked_after_the_limit_even_with_the_right_password(editor):
    for _ in range(LIMIT - 1):
        login("zhangsan", "wrong-password")
    _, response = login("zhangsan", "wrong-password")
    assert_locked(response)
    _, response = login("zhangsan", PASSWORD)
    assert_locked(response)


def test_a_stranger_cannot_lock_the_owner_out(editor):
    # Five wrong passwords for the account from one address …
    for _ in range(LIMIT):
        login("zhangsan", "wrong-password", ip="198.51.100.66")
    _, response = login("zhangsan", PASSWORD, ip="198.51.100.66")
    assert_locked(response)  # … lock that address out of that account …
    _, response = login("zhangsan", PASSWORD, ip="192.0.2.77")
    assert response.status_code == 302  # … not the owner at their own address.


def test_address_is_locked_after_the_higher_limit_across_accounts(editor, make_staff):
    make_staff("lisi")
    for number in range(IP_LIMIT - 1):
        login(f"guess{number}", "wrong-password", ip="203.0.113.99")
    _, response = login("lisi", PASSWORD, ip="203.0.113.99")
    assert response.status_code == 302  # below the address limit
    _, response = login("guess-last", "wrong-password", ip="203.0.113.99")
    assert_locked(response)
    _, response = login("lisi", PASSWORD, ip="203.0.113.99")
    assert_locked(response)
    # Another address is not affected.
    _, response = login("lisi", PASSWORD, ip="203.0.113.100")
    assert response.status_code == 302


def test_a_successful_login_does_not_reset_the_address_count(editor, make_staff):
    """An insider spraying passwords, logging in with their own account in between."""
    make_staff("lisi")
    failures = 0
    while failures < IP_LIMIT:
        for _ in range(3):
            _, response = login(f"colleague{failures}", "wrong-password", ip="10.1.2.3")
            failures += 1
        if failures < IP_LIMIT:
            _, response = login("lisi", PASSWORD, ip="10.1.2.3")
            assert response.status_code == 302, failures
    _, response = login("lisi", PASSWORD, ip="10.1.2.3")
    assert_locked(response)


@override_settings(AXES_IP_FAILURE_LIMIT=3 * LIMIT)
def test_a_successful_login_resets_its_own_account_and_address(editor):
    for _ in range(LIMIT - 1):
        login("zhangsan", "wrong-password")
    _, response = login("zhangsan", PASSWORD)
    assert response.status_code == 302
    for _ in range(LIMIT - 1):
        _, response = login("zhangsan", "wrong-password")
    assert response.status_code == 200  # counting again from zero


def test_an_administrator_unlocks_from_the_admin(editor, superuser):
    for _ in range(LIMIT):
        login("zhangsan", "wrong-password", ip="192.0.2.1")
    _, response = login("zhangsan", PASSWORD, ip="192.0.2.1")
    assert_locked(response)

    admin = Client(REMOTE_ADDR="192.0.2.200")
    admin.force_login(superuser)
    listing = admin.get("/admin/login_lockouts/")
    assert listing.status_code == 200 and "zhangsan" in listing.content.decode()
    attempt = AccessAttempt.objects.filter(username="zhangsan").first()
    assert admin.post(f"/admin/login_lockouts/delete/{attempt.pk}/").status_code == 302
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()

    _, response = login("zhangsan", PASSWORD, ip="192.0.2.1")
    assert response.status_code == 302


def test_unlocking_an_address_clears_its_count_too(editor, superuser):
    for number in range(IP_LIMIT):
        login(f"guess{number}", "wrong-password", ip="203.0.113.50")
    _, response = login("zhangsan", PASSWORD, ip="203.0.113.50")
    assert_locked(response)

    admin = Client(REMOTE_ADDR="192.0.2.200")
    admin.force_login(superuser)
    attempt = AccessAttempt.objects.filter(ip_address="203.0.113.50").first()
    assert admin.post(f"/admin/login_lockouts/delete/{attempt.pk}/").status_code == 302
    _, response = login("zhangsan", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302


def test_the_reset_commands_clear_the_address_count(editor):
    from django.core.management import call_command

    for address in ("203.0.113.51", "203.0.113.52"):
        for number in range(IP_LIMIT):
            login(f"guess{number}", "wrong-password", ip=address)
        assert login("zhangsan", PASSWORD, ip=address)[1].status_code == 429
    call_command("axes_reset_ip", "203.0.113.51", stdout=io.StringIO())
    assert login("zhangsan", PASSWORD, ip="203.0.113.51")[1].status_code == 302
    assert login("zhangsan", PASSWORD, ip="203.0.113.52")[1].status_code == 429
    call_command("axes_reset", stdout=io.StringIO())
    assert login("zhangsan", PASSWORD, ip="203.0.113.52")[1].status_code == 302


def test_province_admins_may_unlock_county_admins_may_not(province_admin, county_admin):
    province = Client()
    province.force_login(province_admin)
    assert province.get("/admin/login_lockouts/").status_code == 200
    county = Client()
    county.force_login(county_admin)
    assert county.get("/admin/login_lockouts/").status_code in (302, 403)


@pytest.mark.parametrize("weak", ["12345678901", "password123", "jingkang", "zhangsan2026"])
def test_weak_passwords_are_refused(weak, editor):
    with pytest.raises(ValidationError):
        validate_password(weak, user=editor)


def test_a_strong_password_is_accepted(editor):
    validate_password("Huan-jing-Kang-2026-fu", user=editor)
