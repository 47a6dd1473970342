"""网站地图 (HTML) and sitemap.xml: both list the same pages.

``wagtail.contrib.sitemaps`` decides what is listed: every live page of the
site without a view restriction (password, login or group), in tree order.
The HTML page nests them under the sections of the top navigation.
"""

from django.shortcuts import render
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.contrib.sitemaps.views import sitemap


def listed_pages(request):
    return list(Sitemap(request).items())


def page_tree(pages):
    """Nest pages (in tree order) under their nearest listed ancestor: a live
    page below an unpublished one is still listed, one level up."""
    nodes, roots = {}, []
    for page in pages:
        node = {"page": page, "children": []}
        parent_path = page.path[: -page.steplen]
        while parent_path and parent_path not in nodes:
            parent_path = parent_path[: -page.steplen]
        (nodes[parent_path]["children"] if parent_path else roots).append(node)
        nodes[page.path] = node
    return roots


def site_map(request):
    pages = listed_pages(request)
    roots = page_tree(pages)
    home = roots[0] if len(roots) == 1 else None
    return render(request, "inspection/site_map.html", {
        "home": home["page"] if home else None,
        "sections": home["children"] if home else roots,
        "page_count": len(pages),
        "article_title": "网站地图",
    })


def sitemap_xml(request):
    return sitemap(request)
