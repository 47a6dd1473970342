"""长者模式 (elder mode): a cookie the server reads, so it works without scripts
and persists across pages."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from .cache import ELDER_COOKIE

ONE_YEAR = 365 * 24 * 3600


def elder_mode(request):
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("on") == "1":
        response.set_cookie(ELDER_COOKIE, "1", max_age=ONE_YEAR, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response
