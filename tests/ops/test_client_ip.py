"""Who the client is: one rule (portal/ops/client_ip.py) for the lockout, the form limits and the logs."""

import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from portal.ops.client_ip import client_ip

ROOT = Path(__file__).resolve().parents[2]


def test_only_client_ip_reads_the_client_address():
    readers = sorted(
        str(path.relative_to(ROOT))
        for package in ("portal", "search")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"[\"'](REMOTE_ADDR|HTTP_X_FORWARDED_FOR|HTTP_X_REAL_IP)[\"']", path.read_text(encoding="utf-8"))
    )
    assert readers == ["portal/ops/client_ip.py"]


@pytest.mark.parametrize(("proxies", "forwarded_for", "expected"), [
    (0, "1.2.3.4, 203.0.113.7", "10.0.0.2"),  # no proxy: the header is the client's claim
    (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the address our proxy saw
    (2, "1.2.3.4, 203.0.113.7", "1.2.3.4"),
    (1, "", "10.0.0.2"),  # header missing: the peer
    (1, "not-an-address", "10.0.0.2"),
    (2, "203.0.113.7", "10.0.0.2"),  # fewer hops than proxies: not trusted
])
def test_client_address_behind_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
