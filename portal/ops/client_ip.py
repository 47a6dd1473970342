"""Who the client is: the one rule for the login lockout (django-axes), the
flood limits of the public forms (portal/ops/ratelimit.py) and anything else
that needs the client's address.

Behind a TLS-terminating proxy REMOTE_ADDR is the proxy. Set
``TRUSTED_PROXY_COUNT`` to the number of proxies in front of the app and the
address that many hops from the right of X-Forwarded-For is used; a client
cannot spoof it by sending its own header, since proxies append to it.
"""

import ipaddress

from django.conf import settings


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            chosen = _valid(hops[-proxies])
            if chosen:
                return chosen
    return _valid(remote) or "0.0.0.0"
