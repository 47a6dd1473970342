"""The portal's URLs plus views that misbehave on purpose (errors, logging)."""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from portal.ops.media import serve_media
from portal.urls import urlpatterns as portal_urlpatterns

logger = logging.getLogger("portal.tests")


def boom(request):
    raise RuntimeError("secret internal detail: DATABASE password=hunter2")


def forbidden(request):
    raise PermissionDenied("internal reason")


def bad(request):
    raise SuspiciousOperation("internal reason")


@csrf_exempt
def careless_form(request):
    # A view that logs the whole form, as careless code would.
    logger.warning("form received: %s", request.POST)
    logger.warning("contact", extra={"contact_phone": request.POST.get("phone", "")})
    if request.POST.get("fail"):
        raise ValueError(f"could not handle message from {request.POST.get('phone')} id {request.POST.get('id_number')}")
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/bad/", bad),
    path("test-errors/form/", careless_form),
    re_path(r"^media/(?P<path>.*)$", serve_media),
] + portal_urlpatterns
