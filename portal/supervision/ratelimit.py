"""Flood protection for the public form: a fixed one-hour window per client.

The client is identified by a hash of its address, kept only in the cache
(never in the database), so the limit does not become a log of visitors.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def client_key(request):
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SUPERVISION_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[0].strip()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"supervision:rate:{digest}"


def hit(request, limit, bucket=""):
    """Count one attempt; True while the client is within ``limit``.

    Each ``bucket`` ("" for messages, "lookup" for follow-up) counts apart.
    """
    key = client_key(request) + (f":{bucket}" if bucket else "")
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
