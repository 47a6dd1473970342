"""The client's address, as django-axes and the logs see it.

Behind a TLS-terminating proxy REMOTE_ADDR is the proxy. Set
``TRUSTED_PROXY_COUNT`` to the number of proxies in front of the app and the
address that many hops from the right of X-Forwarded-For is used; a client
cannot spoof it by sending its own header, since proxies append to it.
"""

import ipaddress
import os


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
    if proxies > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            chosen = _valid(hops[-proxies])
            if chosen:
                return chosen
    return _valid(remote) or "0.0.0.0"
