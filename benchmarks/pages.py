"""Requests per second of the public pages under gunicorn, against a floor.

    .venv/bin/python benchmarks/pages.py [--seconds 6] [--threads 4] [--workers 2]

Builds a throw-away SQLite database in a temporary folder (migrate, the demo
data, collectstatic), then starts gunicorn on 127.0.0.1 with the production
settings (WhiteNoise, no DEBUG; HTTPS redirect off for loopback) plus one extra
URL, /_floor/, a trivial Django view returning a short text. The floor is
measured on the same server in the same run, before and after the pages, and
each page's figure is given as a ratio to it. Goal: ≥ 0.5× the floor for the
home, directory and case pages with the page cache on. The same pages are
then measured with the page cache off (a second gunicorn), to show what the
cache buys. The load generator runs on the same machine, so absolute numbers
depend on it; the ratios are what to compare.
"""

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PAGES = [("首页", "/"), ("机构查询", "/jigou/"), ("机构查询（筛选）", "/jigou/?region=210302"),
         ("优秀案例", "/anli/tiedong-tongban/"), ("政策文件", "/zhengce/policy-3/")]

SETTINGS = '''
import os
from portal.settings.production import *  # noqa: F401,F403
ROOT_URLCONF = "bench_urls"
PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE_ENABLED", "1") == "1"
LOGGING["loggers"]["portal.request"]["level"] = "WARNING"
'''
URLS = '''
from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_floor/", floor)] + portal_urlpatterns
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(folder):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "ELASTICSEARCH_URL"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": f"{folder}{os.pathsep}{ROOT}",
        "SECRET_KEY": "benchmark-only-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "STATIC_ROOT": f"{folder}/static",
        "MEDIA_ROOT": f"{folder}/media", "SECURE_SSL_REDIRECT": "0", "BEHIND_TLS_PROXY": "0",
        "LOG_LEVEL": "WARNING", "REQUEST_LOG_LEVEL": "WARNING",
    })
    return env


def manage(env, *args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def start_gunicorn(env, port, workers, cache_on):
    env = {**env, "PAGE_CACHE_ENABLED": "1" if cache_on else "0"}
    process = subprocess.Popen(
        [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--access-logfile", "-", "portal.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if fetch(port, "/_floor/") == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def requests_per_second(port, path, seconds, threads):
    for _ in range(10):  # warm up every worker's cache and connections
        status = fetch(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def worker(i):
        while time.perf_counter() < stop:
            fetch(port, path)
            counts[i] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def measure(env, workers, seconds, threads, cache_on):
    port = free_port()
    server = start_gunicorn(env, port, workers, cache_on)
    try:
        floor_before = requests_per_second(port, "/_floor/", seconds, threads)
        pages = [(label, path, requests_per_second(port, path, seconds, threads)) for label, path in PAGES]
        floor_after = requests_per_second(port, "/_floor/", seconds, threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return (floor_before + floor_after) / 2, floor_before, floor_after, pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jk-bench-") as folder:
        Path(folder, "bench_settings.py").write_text(SETTINGS, encoding="utf-8")
        Path(folder, "bench_urls.py").write_text(URLS, encoding="utf-8")
        env = environment(folder)
        print("准备：迁移数据库、载入演示数据、收集静态文件 …", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--no-users")
        manage(env, "collectstatic", "--noinput")
        print(f"gunicorn {args.workers} 个进程，{args.threads} 个并发客户端，每项 {args.seconds:g} 秒，127.0.0.1\n")
        for cache_on in (True, False):
            floor, before, after, pages = measure(env, args.workers, args.seconds, args.threads, cache_on)
            title = "页面缓存开启" if cache_on else "页面缓存关闭"
            print(f"[{title}] 基准（/_floor/ 最简视图）：{floor:.0f} 次/秒（前 {before:.0f}，后 {after:.0f}）")
            for label, path, rps in pages:
                verdict = "达标" if rps >= 0.5 * floor else "未达 0.5×"
                print(f"  {label:<10} {path:<24} {rps:7.0f} 次/秒  {rps / floor:5.2f}× 基准  {verdict if cache_on else ''}")
            print()


if __name__ == "__main__":
    main()
