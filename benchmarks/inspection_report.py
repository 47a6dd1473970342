"""What the 网站自查 panel costs the admin dashboard, and how fast the report is.

    .venv/bin/python benchmarks/inspection_report.py            # SQLite
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/inspection_report.py

Builds a throw-away test database: the demo site, then ARTICLES more articles
in 宣传与反歧视 (rich-text links to other pages, every tenth to an unpublished
page, every fifth with an image block missing its alt text), and OVERDUE
supervision messages across 鞍山's counties. Then it times, with the test
client, the admin home page as a superuser and as a county admin, and the
report page itself.

The floor, measured in the same run, is the same dashboard with the 网站自查
panel switched off. The panel's counts are kept for two minutes per user
(``views.PANEL_SECONDS``), so the figures are the dashboard with the counts
computed (the first visit, and after the cache has emptied: the whole report
is built) and with the counts kept. Goal: the kept case within 1.2× the
floor; the computed one is what one report costs.
"""

import datetime
import statistics
import sys
import time
from unittest import mock

from search_harness import test_database

ARTICLES = 600
OVERDUE = 60
RUNS = 30


def build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection
    from wagtail.rich_text import RichText

    from portal.pages.demo import load_site
    from portal.pages.models import OutreachIndexPage, OutreachPage, StandardPage
    from portal.registry import demo
    from portal.registry.groups import COUNTY_ADMINS, ensure_groups
    from portal.registry.models import Region, RegionAssignment
    from portal.supervision.models import SupervisionMessage

    ensure_groups()
    demo.load_all()
    home = load_site()
    index = OutreachIndexPage.objects.get()
    hidden = home.add_child(instance=StandardPage(title="已下线页面", slug="offline"))
    hidden.unpublish()
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    image = get_image_model().objects.create(title="照片", file=get_test_image_file())
    now = timezone.now()
    for i in range(ARTICLES):
        target = hidden if i % 10 == 0 else home
        body = [("paragraph", RichText(f'<p>第{i}篇，见<a linktype="page" id="{target.pk}">相关页面</a>。</p>'))]
        if i % 5 == 0:
            body.append(("figure", {"image": {"image": get_image_model().objects.get(pk=image.pk), "alt_text": "",
                                              "decorative": False}, "caption": ""}))
        page = OutreachPage(title=f"宣传文章{i}", slug=f"bench-{i}", date=timezone.localdate(), body=body,
                            live=True, first_published_at=now, last_published_at=now)
        index.add_child(instance=page)
    counties = list(Region.objects.filter(parent__code="210300"))
    for i in range(OVERDUE):
        SupervisionMessage.objects.create(region=counties[i % len(counties)], concerns=f"留言{i}", content="内容",
                                          received_at=now - datetime.timedelta(days=40))
    User = get_user_model()
    root = User.objects.create_superuser("bench-root", password="x" * 12)
    county = User.objects.create_user("bench-tiedong", password="x" * 12, is_staff=True)
    county.groups.add(Group.objects.get(name=COUNTY_ADMINS))
    RegionAssignment.objects.create(user=county, region=Region.objects.get(code="210302"))
    return root, county


def timed(client, url, before=None):
    samples = []
    for _ in range(RUNS):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def main():
    with test_database() as vendor:
        from django.core.cache import cache
        from django.test import Client

        from portal.inspection.indicators import build_report
        from portal.inspection.views import InspectionPanel

        root, county = build()
        report = build_report(root)
        print(f"{vendor}: {ARTICLES} extra articles, {OVERDUE} overdue messages; "
              f"report items: {', '.join(f'{s.indicator.label} {s.count}' for s in report.sections)}")
        for label, user in (("superuser", root), ("county admin", county)):
            client = Client()
            client.force_login(user)
            client.get("/admin/")  # warm-up
            with mock.patch.object(InspectionPanel, "render_html", return_value=""):
                floor = timed(client, "/admin/")
            cold = timed(client, "/admin/", before=lambda: cache.delete(f"inspection:panel:{user.pk}"))
            warm = timed(client, "/admin/")
            report_page = timed(client, "/admin/reports/inspection/")
            print(f"{label:13} floor (dashboard without panel) {floor:6.1f} ms | dashboard, counts computed "
                  f"{cold:6.1f} ms ({cold / floor:.2f}×) | dashboard, counts kept {warm:6.1f} ms ({warm / floor:.2f}×) "
                  f"| report page {report_page:6.1f} ms ({report_page / floor:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
