"""manage.py check_links against a local HTTP server the test starts (no outside network)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page
from wagtail.rich_text import RichText

from portal.inspection.indicators import build_report
from portal.inspection.linkcheck import check_url
from portal.inspection.models import ExternalLink, LinkCheckRun, LinkResult
from portal.pages.models import SiteIdentity, StandardPage

from .conftest import add

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    requests = []

    def answer(self, with_body):
        Handler.requests.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/no-head" and self.command == "HEAD":
            status = 405
        else:
            status = {"/ok": 200, "/slow": 200, "/no-head": 200, "/moved": 301}.get(self.path, 404)
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(False)

    def do_GET(self):
        self.answer(True)

    def log_message(self, *args):  # nothing on stderr
        pass


@pytest.fixture
def server():
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def links_page(home, base, *paths, title="友情链接"):
    html = "".join(f'<p><a href="{base}{p}">链接{i}</a></p>' for i, p in enumerate(paths))
    return add(home, StandardPage(title=title, slug=f"links{Page.objects.count()}", body=[("paragraph", RichText(html))]))


def run(*args):
    out = StringIO()
    call_command("check_links", "--timeout", "0.5", *args, stdout=out)
    return out.getvalue()


def link_items(user):
    return next(s for s in build_report(user).sections if s.indicator.code == "links")


@override_settings(INSPECTION_LINKCHECK_PRIVATE_ADDRESSES=True)
def test_broken_links_are_stored_with_the_time_of_the_check_and_shown_in_the_report(site, people, server):
    home, sections = site
    page = links_page(home, server, "/ok", "/missing", "/slow", "/no-head", "/moved")
    assert "外部链接尚未检查过" in link_items(people["editor"]).note
    output = run()
    assert "检查了 5 个外部链接，2 个无法访问" in output
    results = {link.url.removeprefix(server): link for link in ExternalLink.objects.all()}
    assert {p: (r.result, r.status_code) for p, r in results.items()} == {
        "/ok": (LinkResult.OK, 200), "/missing": (LinkResult.BROKEN, 404), "/slow": (LinkResult.BROKEN, None),
        "/no-head": (LinkResult.OK, 200), "/moved": (LinkResult.OK, 200),
    }
    assert results["/missing"].error == "HTTP 404：页面不存在"
    assert results["/slow"].error == "连接超时（0.5 秒内没有响应）"
    assert list(results["/missing"].pages.all()) == [page.page_ptr]
    section = link_items(people["editor"])
    assert [i.subject for i in section.items] == ["友情链接", "友情链接"]
    assert any(f"{server}/missing（HTTP 404：页面不存在，检查于" in i.problem for i in section.items)
    run_row = LinkCheckRun.objects.get()
    assert f"外部链接最近一次检查：" in section.note and "共 5 个，2 个无法访问" in section.note
    assert run_row.finished_at is not None

    # Fixed on the page: the next check no longer lists them.
    page.body = [("paragraph", RichText(f'<p><a href="{server}/ok">好链接</a></p>'))]
    page.save_revision().publish()
    assert "检查了 1 个外部链接，0 个无法访问" in run()
    assert link_items(people["editor"]).items == []


@override_settings(INSPECTION_LINKCHECK_PRIVATE_ADDRESSES=True)
def test_links_of_pages_the_user_cannot_edit_are_not_theirs(site, people, server):
    home, sections = site
    links_page(home, server, "/missing")
    run()
    assert link_items(people["editor"]).items
    assert link_items(people["tiedong"]).items == []


@override_settings(INSPECTION_LINKCHECK_PRIVATE_ADDRESSES=True)
def test_only_live_public_pages_are_checked(site, people, server):
    home, sections = site
    draft = links_page(home, server, "/missing", title="草稿")
    draft.unpublish()
    assert "检查了 0 个外部链接" in run()
    assert Handler.requests == []


@override_settings(INSPECTION_LINKCHECK_PRIVATE_ADDRESSES=True)
def test_a_broken_footer_link_is_shown_to_those_who_edit_the_footer(site, people, server):
    home, sections = site
    identity = SiteIdentity.for_site(home.get_site())
    identity.icp_number = "辽ICP备00000000号"
    identity.icp_url = f"{server}/beian"
    identity.save()
    run()
    footer = [i for i in link_items(people["root"]).items if i.subject == "网站标识与页脚"]
    assert len(footer) == 1 and "/beian" in footer[0].problem
    assert footer[0].fix_url.startswith("/admin/settings/pages/siteidentity/")
    assert not [i for i in link_items(people["editor"]).items if i.subject == "网站标识与页脚"]


def test_private_addresses_are_not_requested_by_default(site, server):
    home, sections = site
    links_page(home, server, "/missing")
    output = run()
    assert "0 个无法访问" in output and "另有 1 个内网或本机地址未检查" in output
    assert ExternalLink.objects.get().result == LinkResult.SKIPPED
    assert Handler.requests == []


def test_unresolvable_and_malformed_addresses_are_broken(monkeypatch):
    import socket

    def no_such_host(*args, **kwargs):  # no DNS query leaves the test
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    assert check_url("http://no-such-host.invalid/", timeout=0.5).error == "域名无法解析"
    assert check_url("http:///nohost", timeout=0.5).error == "链接地址格式不正确"


def test_bad_arguments_are_refused(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--timeout"):
        call_command("check_links", "--timeout", "0", stdout=StringIO())
