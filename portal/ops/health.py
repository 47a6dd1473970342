"""The load balancer's health check: database, cache and search.

The answer names each check and says ok / error / off, nothing more: no
exception text, host names or versions. The database and the cache are
required (503 when either fails); search is reported, since the site still
serves pages without it.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("cache did not return the value just written")


def check_search():
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if not url:
        return "off"
    import urllib.request

    with urllib.request.urlopen(url.rstrip("/") + "/_cluster/health", timeout=2) as answer:  # noqa: S310
        if answer.status >= 400:
            raise RuntimeError(f"search answered {answer.status}")
    return "ok"


CHECKS = [("database", check_database, True), ("cache", check_cache, True), ("search", check_search, False)]


def run_checks():
    results, healthy = {}, True
    for name, check, required in CHECKS:
        try:
            outcome = check()
            results[name] = outcome or "ok"
        except Exception:
            # The details go to the log (redacted), never to the answer.
            logger.exception("health check %s failed", name)
            results[name] = "error"
            healthy = healthy and not required
    return healthy, results


def response():
    healthy, results = run_checks()
    answer = JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
    answer["Cache-Control"] = "no-store"
    return answer
