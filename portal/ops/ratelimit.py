"""Per-client counters in a fixed time window: the flood limits of the public
forms and the login failures of one address (portal/ops/lockout.py).

The client is who ``client_ip`` says, the same rule as the login lockout.
Only a keyed hash of the address is kept, in the cache and for the length
of the window, so the counters never become a log of visitors.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .client_ip import client_ip

HOUR = 3600


class ClientCounter:
    def __init__(self, scope, window_seconds=HOUR):
        self.scope = scope
        self.window = max(int(window_seconds), 1)

    def key(self, address):
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"

    def count(self, request):
        return cache.get(self.key(client_ip(request)), 0)

    def add(self, request):
        """Count one event of this client; return the count in the window."""
        key = self.key(client_ip(request))
        if cache.add(key, 1, self.window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window)
            return 1

    def reset(self, address):
        cache.delete(self.key(address))


def allow(request, scope, limit, window_seconds=HOUR):
    """Count one submission; True while the client is within ``limit`` per window."""
    return ClientCounter(scope, window_seconds).add(request) <= limit
