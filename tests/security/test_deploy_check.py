"""Production settings: `check --deploy` is clean with the documented variables."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "Vq3Jw9Zr0pYx7Lk2Ht5Nc8Bm4Gd1Sf6Ae0Ru3Wi9Oy2Tq5Pz8Xv7Kb4Mn1Lj6Hg3",
    "ALLOWED_HOSTS": "jingkang.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://jingkang.example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


# Set by the browser tests' conftest for Playwright; never in a deployment.
NOT_IN_DEPLOYMENT = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args, env_overrides=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in DOCUMENTED_ENV and k not in NOT_IN_DEPLOYMENT}
    env.update(DOCUMENTED_ENV)
    env.update(env_overrides or {})
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_uses_redis_for_cache_and_sessions_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.SESSION_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = run_manage("shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache", "django.contrib.sessions.backends.cache",
        "True", "True", "True", "False", "True", "31536000",
    ]


def test_redirect_and_hsts_can_be_left_to_the_proxy():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    result = run_manage("shell", "--no-imports", "-c", code, env_overrides={"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0 ('HTTP_X_FORWARDED_PROTO', 'https')"
    # … and check --deploy then says so, rather than staying silent.
    warned = run_manage("check", "--deploy", env_overrides={"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"})
    assert "security.W008" in warned.stdout + warned.stderr and "security.W004" in warned.stdout + warned.stderr


def test_production_refuses_to_start_without_secret_key_or_hosts():
    no_key = run_manage("check", drop=("SECRET_KEY",))
    assert no_key.returncode != 0 and "SECRET_KEY must be set" in no_key.stderr
    no_hosts = run_manage("check", drop=("ALLOWED_HOSTS",))
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS must be set" in no_hosts.stderr
