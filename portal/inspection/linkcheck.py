"""External links: where they are on the site, and whether they still answer.

``manage.py check_links`` (and nothing else) calls ``run``: it gathers every
http(s) link of the live public pages (rich text, URL blocks and URL fields,
StreamField blocks at any depth) and of the footer (设置 → 网站标识与页脚),
asks each address once with a timeout, and replaces the stored results, which
the report shows with the time of the check.

The requests leave from the server, so an address that resolves to a private,
loopback or link-local network (or redirects to one) is not requested unless
``INSPECTION_LINKCHECK_PRIVATE_ADDRESSES`` is on: an editor's link must not
become a way to probe the server's own network.
"""

import html
import ipaddress
import re
import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from wagtail import blocks
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from .content import stream_blocks
from .models import ExternalLink, LinkCheckRun, LinkResult

USER_AGENT = "JingkangPortal-LinkCheck/1.0"
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.I)
HTTP_PROBLEMS = {400: "请求无效", 401: "需要登录", 403: "禁止访问", 404: "页面不存在", 410: "页面已删除"}


def is_external(url):
    return urlsplit(url).scheme in ("http", "https")


def links_in_html(source):
    for match in _HREF.finditer(source or ""):
        url = html.unescape(match.group(1)).strip()
        if is_external(url):
            yield url


def links_on_page(page):
    found = set()
    for block, raw in stream_blocks(page):
        if isinstance(block, blocks.RichTextBlock):
            found.update(links_in_html(raw))
        elif isinstance(block, blocks.URLBlock) and isinstance(raw, str) and is_external(raw):
            found.add(raw)
    for field in page._meta.concrete_fields:
        value = field.value_from_object(page)
        if isinstance(field, RichTextField):
            found.update(links_in_html(value))
        elif isinstance(field, models.URLField) and value and is_external(value):
            found.add(value)
    return found


def footer_links():
    from portal.pages.models import SiteIdentity

    found = set()
    for site in Site.objects.all():
        identity = SiteIdentity.for_site(site)
        # A filing link is only shown next to its number (base.html).
        for number, url in ((identity.icp_number, identity.icp_url), (identity.police_number, identity.police_url)):
            if number and url and is_external(url):
                found.add(url)
    return found


def collect():
    """{url: (page ids, in footer)} for every external link the public sees."""
    found = {}
    for page in Page.objects.live().public().specific().iterator(chunk_size=200):
        for url in links_on_page(page):
            found.setdefault(url, (set(), False))[0].add(page.pk)
    for url in footer_links():
        pages, _ = found.get(url, (set(), False))
        found[url] = (pages, True)
    return found


@dataclass(frozen=True)
class Outcome:
    result: str
    status_code: int | None = None
    error: str = ""


def is_public_host(host):
    """True when every address of ``host`` is on the public internet."""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    return all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


class _GuardedRedirect(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        host = urlsplit(newurl).hostname or ""
        if not self.allow_private and not is_public_host(host):
            raise urllib.error.URLError("private-redirect")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def describe(error, timeout):
    """A reason an editor understands, for the report."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return f"连接超时（{timeout:g} 秒内没有响应）"
    if isinstance(reason, socket.gaierror):
        return "域名无法解析"
    if isinstance(reason, ssl.SSLError):
        return "HTTPS 证书无效或加密连接失败"
    if isinstance(reason, ConnectionRefusedError):
        return "服务器拒绝连接"
    if str(reason) == "private-redirect":
        return "重定向到内网或本机地址，未继续访问"
    return f"无法连接（{str(reason)[:80]}）"


def check_url(url, timeout=10.0, allow_private=False):
    host = urlsplit(url).hostname
    if not host:
        return Outcome(LinkResult.BROKEN, error="链接地址格式不正确")
    try:
        if not allow_private and not is_public_host(host):
            return Outcome(LinkResult.SKIPPED, error="内网或本机地址，未检查")
    except (socket.gaierror, UnicodeError, ValueError):
        return Outcome(LinkResult.BROKEN, error="域名无法解析")
    opener = urllib.request.build_opener(_GuardedRedirect(allow_private))
    # HEAD first (no body); some servers refuse HEAD, so any HTTP error is asked again with GET.
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        try:
            with opener.open(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(1024)
                return Outcome(LinkResult.OK, response.status)
        except urllib.error.HTTPError as error:
            if method == "HEAD":
                continue
            problem = HTTP_PROBLEMS.get(error.code, "服务器错误" if error.code >= 500 else "无法访问")
            return Outcome(LinkResult.BROKEN, error.code, f"HTTP {error.code}：{problem}")
        except (urllib.error.URLError, OSError, ValueError) as error:
            return Outcome(LinkResult.BROKEN, error=describe(error, timeout))
    raise AssertionError("unreachable")


def run(timeout=10.0, workers=8):
    """Check every external link once and store the results; returns the LinkCheckRun."""
    allow_private = getattr(settings, "INSPECTION_LINKCHECK_PRIVATE_ADDRESSES", False)
    found = collect()
    urls = sorted(found)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = list(pool.map(lambda u: check_url(u, timeout, allow_private), urls))
    checked_at = timezone.now()
    with transaction.atomic():
        ExternalLink.objects.all().delete()
        links = ExternalLink.objects.bulk_create([
            ExternalLink(url=url, result=o.result, status_code=o.status_code, error=o.error, checked_at=checked_at,
                         in_footer=found[url][1])
            for url, o in zip(urls, outcomes)
        ])
        through = ExternalLink.pages.through
        through.objects.bulk_create([
            through(externallink_id=link.pk, page_id=page_id) for link in links for page_id in found[link.url][0]
        ])
        return LinkCheckRun.objects.create(
            finished_at=timezone.now(), link_count=len(links),
            broken_count=sum(1 for o in outcomes if o.result == LinkResult.BROKEN),
        )
