"""The project as a whole: language, time zone, environment-driven settings, the admin in Chinese."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_admin_login_page_is_in_chinese(client):
    body = client.get("/admin/login/").content.decode()
    assert "登录 精康融合行动服务平台 管理后台" in body
    assert "Sign in" not in body


@pytest.mark.django_db
def test_admin_menu_has_the_registry_group(client, superuser):
    client.force_login(superuser)
    body = client.get("/admin/").content.decode()
    # The sidebar is rendered from JSON props, so the label appears JSON-escaped.
    assert json.dumps("精康登记") in body
    assert "/admin/registry/institution/" in body
    assert "精康融合行动服务平台 管理后台</title>" in body


@pytest.mark.django_db
def test_home_page_is_served_after_load_demo(client):
    from portal.pages.demo import load_site

    load_site()
    response = client.get("/")
    assert response.status_code == 200
    assert "精康融合行动服务平台" in response.content.decode()


def settings_value(expr, **env):
    """Evaluate an expression on freshly imported settings under a given environment."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.dev'; "
        f"from django.conf import settings; print({expr})"
    )
    clean_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean_env, **env},
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_sqlite_is_the_default_database():
    assert settings_value("settings.DATABASES['default']['ENGINE']") == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    engine = settings_value("settings.DATABASES['default']['ENGINE']",
                            DATABASE_URL="postgres://u@db.example:5432/portal")
    assert engine == "django.db.backends.postgresql"


def test_redis_url_selects_the_redis_cache():
    backend = settings_value("settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/3")
    assert backend == "django.core.cache.backends.redis.RedisCache"


def test_allowed_hosts_come_from_the_environment():
    assert settings_value("settings.ALLOWED_HOSTS", ALLOWED_HOSTS="a.example, b.example") == "['a.example', 'b.example']"


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.production", ALLOWED_HOSTS="portal.example")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
