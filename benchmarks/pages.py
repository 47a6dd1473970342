"""Requests per second of every public page type under gunicorn, against a floor.

    .venv/bin/python benchmarks/pages.py [--seconds 4] [--threads 4] [--workers 2]

Builds a throw-away SQLite database in a temporary folder (migrate, the demo
data, collectstatic), then starts gunicorn on 127.0.0.1 with the production
settings (WhiteNoise, no DEBUG; HTTPS redirect off for loopback; persistent
database connections as docker/compose.yaml sets them; the local-memory cache
standing in for Redis) plus one extra URL, /_floor/, a trivial Django view
returning a short text. The floor is measured on the same server in the same
run, before and after the pages, and each page's figure is given as a ratio
to it. Every page type is measured three times: with the whole-page cache
on (goal ≥ 0.5× the floor); with it off (goal ≥ 0.1×: what a visitor gets
after a change of a topic the page depends on, with the fragment cache on,
as it stays for the topics that did not change); and, for reference, with
both off (every fragment cold).

Last, in-process on the same database, whether saving one institution leaves
the policy and case pages cached (portal/pages/cache.py). The load generator
runs on the same machine, so absolute numbers depend on it; the ratios are
what to compare.
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
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# (title, whole-page cache, fragment cache, goal as a share of the floor)
MODES = [
    ("页面缓存开启", True, True, 0.5),
    ("页面缓存关闭（未缓存；片段缓存开启）", False, True, 0.1),
    ("页面与片段缓存均关闭（全冷，仅供参考）", False, False, None),
]

SETTINGS = '''
import os
from portal.settings.production import *  # noqa: F401,F403
ROOT_URLCONF = "bench_urls"
PAGE_CACHE_ENABLED = os.environ.get("PAGE_CACHE_ENABLED", "1") == "1"
FRAGMENT_CACHE_ENABLED = os.environ.get("FRAGMENT_CACHE_ENABLED", "1") == "1"
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
        "LOG_LEVEL": "WARNING", "REQUEST_LOG_LEVEL": "WARNING", "DB_CONN_MAX_AGE": "60",
    })
    return env


def manage(env, *args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def start_gunicorn(env, port, workers, page_cache, fragment_cache):
    env = {**env, "PAGE_CACHE_ENABLED": str(int(page_cache)), "FRAGMENT_CACHE_ENABLED": str(int(fragment_cache))}
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


def measure(env, workers, seconds, threads, page_cache, fragment_cache, page_urls):
    port = free_port()
    server = start_gunicorn(env, port, workers, page_cache, fragment_cache)
    try:
        floor_before = requests_per_second(port, "/_floor/", seconds, threads)
        pages = [(label, path, requests_per_second(port, path, seconds, threads)) for label, path in page_urls]
        floor_after = requests_per_second(port, "/_floor/", seconds, threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return (floor_before + floor_after) / 2, floor_before, floor_after, pages


def page_types():
    """(label, URL) of one page of every public page type in the demo (run inside Django)."""
    from wagtail.models import Page

    from portal.registry.models import Institution

    seen, urls = set(), []
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        if type(page) not in seen:
            seen.add(type(page))
            urls.append((type(page)._meta.verbose_name, page.url))
    inst = Institution.objects.published().filter(price_items__isnull=False).order_by("pk").first()
    urls += [("机构查询（筛选）", "/jigou/?region=210302"), ("机构详情", f"/jigou/{inst.pk}/"),
             ("价格公示详情", f"/jiage/{inst.pk}/"), ("全站搜索", "/search/?q=" + quote("康复"))]
    return urls


def invalidation_check():
    """After saving one institution, are the policy and case pages still served from the cache?"""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.pages.models import CasePage, PolicyPage
    from portal.registry.models import Institution

    client = Client()
    pages = [PolicyPage.objects.live().first().url, CasePage.objects.live().first().url]
    named = CasePage.objects.live().exclude(institution=None).values_list("institution_id", flat=True)
    for url in pages:
        client.get(url)
    Institution.objects.published().exclude(pk__in=named).first().save()
    with CaptureQueriesContext(connection) as ctx:
        for url in pages:
            client.get(url)
    directory_queries = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/jigou/")
    return directory_queries == 0 and len(ctx.captured_queries) > 0


def inside(what):
    import json

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    print(json.dumps(page_types() if what == "urls" else invalidation_check(), ensure_ascii=False))


def run_inside(env, what):
    import json

    out = subprocess.run([PYTHON, __file__, "--inside", what], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(args.inside)
    with tempfile.TemporaryDirectory(prefix="jk-bench-") as folder:
        Path(folder, "bench_settings.py").write_text(SETTINGS, encoding="utf-8")
        Path(folder, "bench_urls.py").write_text(URLS, encoding="utf-8")
        env = environment(folder)
        print("准备：迁移数据库、载入演示数据、收集静态文件 …", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--no-users")
        manage(env, "collectstatic", "--noinput")
        page_urls = [tuple(item) for item in run_inside(env, "urls")]
        print(f"gunicorn {args.workers} 个进程，{args.threads} 个并发客户端，每项 {args.seconds:g} 秒，127.0.0.1\n")
        results = []
        for title, page_cache, fragment_cache, goal in MODES:
            floor, before, after, pages = measure(env, args.workers, args.seconds, args.threads, page_cache,
                                                  fragment_cache, page_urls)
            results.append({path: rps / floor for _, path, rps in pages})
            print(f"[{title}] 基准（/_floor/ 最简视图）：{floor:.0f} 次/秒（前 {before:.0f}，后 {after:.0f}）"
                  + (f"；目标 ≥ {goal}×" if goal else ""))
            for label, path, rps in pages:
                verdict = ("达标" if rps >= goal * floor else f"未达 {goal}×") if goal else ""
                print(f"  {label:<12} {path:<30} {rps:7.0f} 次/秒  {rps / floor:5.2f}× 基准  {verdict}")
            print()
        print("汇总（与基准之比）：页面类型  已缓存 / 未缓存 / 全冷")
        for label, path in page_urls:
            print(f"  {label:<12} " + " / ".join(f"{r[path]:5.2f}×" for r in results))
        still = run_inside({**env, "PAGE_CACHE_ENABLED": "1"}, "invalidation")
        print(f"\n保存一家机构之后：政策文件与优秀案例页面仍在缓存中：{'是 (yes)' if still else '否 (no)'}")


if __name__ == "__main__":
    main()
