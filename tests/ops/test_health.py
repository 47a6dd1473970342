import json

import pytest
from django.db import OperationalError, connections
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_reports_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "search": "off"}}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_503_when_the_database_is_down(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed: password authentication failed for user "portal"')

    monkeypatch.setattr(connections["default"], "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error"
    text = response.content.decode()
    # Nothing about the failure beyond its name: no host, user, driver or version.
    for secret in ("db.internal", "10.1.2.3", "portal", "password", "OperationalError", "5432", "psycopg", "Django"):
        assert secret not in text


def test_health_answers_503_when_the_cache_is_down(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis://:s3cret@cache:6379 refused")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error"
    assert "s3cret" not in response.content.decode()


@override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9")
def test_search_down_is_reported_but_not_fatal(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["search"] == "error"
    assert "127.0.0.1" not in response.content.decode()


def test_health_answers_a_load_balancer_probing_by_ip_over_http(client):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["portal.example.gov.cn"]):
        probe = client.get("/healthz", HTTP_HOST="10.0.0.5")
        page = client.get("/", HTTP_HOST="portal.example.gov.cn")
    assert probe.status_code == 200
    assert json.loads(probe.content)["status"] == "ok"
    assert page.status_code == 301 and page["Location"].startswith("https://")
