"""Admin pieces of the ops app: 登录锁定 (login lockouts), two-factor screens.

Deleting an entry (“解除锁定”) lifts the lockout: through django-axes' reset
it removes every failure record of that account and of that address and
clears the address's failure counter (portal/ops/lockout.py). The deletion
is logged like any other.
"""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.urls import path, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet


class UnlockView(DeleteView):
    page_title = "解除登录锁定"
    success_message = "已解除“%(object)s”的登录锁定。"

    def confirmation_message(self):
        return f"确定解除账号“{self.object.username}”和地址 {self.object.ip_address} 的登录锁定吗？"

    def delete_action(self):
        super().delete_action()
        axes_reset(ip=self.object.ip_address, username=self.object.username, ip_or_username=True)


class AccessAttemptViewSet(ModelViewSet):
    model = AccessAttempt
    icon = "lock"
    menu_label = "登录锁定"
    add_to_settings_menu = True
    name = "login_lockouts"
    delete_view_class = UnlockView
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    form_fields = ["username", "ip_address", "failures_since_start"]
    ordering = ["-attempt_time"]
    copy_view_enabled = False
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    return AccessAttemptViewSet()


class TOTPDeviceViewSet(ModelViewSet):
    """两步验证设备: a superuser removes a lost phone's device here."""

    model = TOTPDevice
    icon = "key"
    menu_label = "两步验证设备"
    add_to_settings_menu = True
    name = "two_factor_devices"
    list_display = ["user", "name", "confirmed", "last_used_at"]
    form_fields = ["user", "name", "confirmed"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_two_factor_device_viewset():
    return TOTPDeviceViewSet()


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    from . import two_factor

    return [
        path("2fa/verify/", two_factor.verify, name="two_factor_verify"),
        path("2fa/setup/", two_factor.setup, name="two_factor_setup"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    if not getattr(settings, "TWO_FACTOR_ENABLED", False):
        return None
    return {
        "url": reverse("two_factor_setup"),
        "label": "两步验证",
        "help_text": "用手机上的身份验证器保护您的账号。",
    }
