"""Request ids and access log, the health endpoint, extra security headers,
and 400 rather than 500 for input no view can use."""

import base64
import logging
import os
import re
import time

from django.conf import settings
from django.core.exceptions import BadRequest

from . import health
from .logging import request_id_var, request_target

request_log = logging.getLogger("portal.request")

# An id from the proxy is kept only if it looks like one (no log injection).
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEALTH_PATH = "/healthz"


def new_request_id():
    # Base32 (a-z, 2-7): never a run of digits the log masking could mistake
    # for a phone or ID-card number.
    return base64.b32encode(os.urandom(15)).decode("ascii").lower()


class RequestIdMiddleware:
    """Gives each request an id (kept from X-Request-ID when sane), puts it in
    every log line of the request and in the response, and logs the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request.path_info != HEALTH_PATH:
                request_log.info(
                    "%s %s %s",
                    request.method,
                    request_target(request),
                    response.status_code,
                    extra={
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so a
    load balancer probing by IP over plain HTTP gets the real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health.response()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class BadInputMiddleware:
    """A NUL character anywhere in the path or the query string answers 400:
    PostgreSQL refuses NUL in any text value, so every filter, slug or lookup
    given one failed (Django's forms already refuse it in fields). Listings
    refuse parameters they do not declare themselves (registry/admin_base.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("请求中含有无效字符。")
        return self.get_response(request)
