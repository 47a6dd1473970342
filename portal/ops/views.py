"""Admin views of the ops app."""

from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.account import LogoutView

wagtail_logout = LogoutView.as_view()


def logout(request):
    """退出登录 by POST only. Wagtail's view answers GET with 405 but still
    deletes the session cookie, so a link or an image on any page could sign
    a member of staff out; here GET asks for confirmation with a POST form
    (the admin's own menu item already posts)."""
    if request.method == "POST":
        return wagtail_logout(request)
    if request.method in ("GET", "HEAD"):
        return confirm_logout(request)
    return HttpResponseNotAllowed(["GET", "POST"])


@require_admin_access
def confirm_logout(request):
    return TemplateResponse(request, "ops/logout_confirm.html", {"page_title": "退出登录"})
