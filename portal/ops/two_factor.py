"""Two-factor authentication for the admin, on django-otp (TOTP apps such as
a phone authenticator).

Off unless ``TWO_FACTOR_ENABLED`` is set. When on:
- any staff member may enrol a device (账户 → 两步验证) and must then use it
  at every login;
- members of ``TWO_FACTOR_REQUIRED_GROUPS`` (省级管理员) must enrol one
  before they can use the admin;
- a superuser can remove a lost device (设置 → 两步验证设备).

wagtail-2fa does not import under Wagtail 8, hence these few screens.
"""

from urllib.parse import quote

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

# Admin URLs a user who still has to verify or enrol may reach.
OPEN_URL_NAMES = {
    "wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_javascript_catalog", "wagtailadmin_sprite",
    "two_factor_verify", "two_factor_setup",
}


def enabled():
    return getattr(settings, "TWO_FACTOR_ENABLED", False)


def must_enrol(user):
    required = set(getattr(settings, "TWO_FACTOR_REQUIRED_GROUPS", ()))
    return bool(required) and user.groups.filter(name__in=required).exists()


def has_device(user):
    return django_otp.user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: sends an unverified admin user to
    the verification (or enrolment) screen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if enabled() and request.path_info.startswith("/admin/"):
            target = self.redirect_for(request)
            if target:
                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    def redirect_for(self, request):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        try:
            if resolve(request.path_info).url_name in OPEN_URL_NAMES:
                return None
        except Resolver404:
            return None
        if has_device(user):
            return "two_factor_verify"
        if must_enrol(user):
            return "two_factor_setup"
        return None


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码", max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="打开手机上的身份验证器应用，输入显示的 6 位数字。",
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("验证码应为 6 位数字。")
        return token


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("wagtailadmin_home")


@require_http_methods(["GET", "POST"])
def verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", "验证码不正确或已过期（多次错误后需稍等片刻再试）。")
    return render(request, "ops/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _qr_svg(url):
    import qrcode
    import qrcode.image.svg

    return qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(encoding="unicode")


@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if has_device(user) and not user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            django_otp.login(request, device)
            messages.success(request, "两步验证已开启。以后登录时需要输入身份验证器中的验证码。")
            return redirect(_next_url(request))
        form.add_error("token", "验证码不正确。请确认手机时间准确，并输入当前显示的 6 位数字。")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "required": must_enrol(user),
        "enrolled": has_device(user),
    }
    return render(request, "ops/two_factor_setup.html", context)
