"""栏目不更新: a column whose newest content is older than its update interval.

A column (栏目) is a live section in the site's navigation (a child of the
site's home page shown in menus, as ``portal.pages.models.base.section_pages``).
Its newest content is the first publication of its newest live page below it;
for a column that shows registry data instead of child pages (价格公示,
机构查询, 工作进展, 联席会议, 监督渠道) the newest change of that data counts
too, so a price board updated yesterday is not "idle". A column that can hold
pages but holds none is a blank column (空白栏目), which inspectors count the
same way.
"""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from ..indicators import Indicator, Item
from ..models import InspectionSettings


def _within(queryset, section):
    region = getattr(section, "region", None)
    return queryset.within(region) if region is not None else queryset


def _newest(queryset, field):
    return queryset.aggregate(newest=Max(field))["newest"]


def _prices(section):
    from portal.prices.models import PriceVersion

    return _newest(_within(PriceVersion.objects.filter(item__institution__is_published=True), section), "created_at")


def _institutions(section):
    from portal.registry.models import Institution

    return _newest(_within(Institution.objects.published(), section), "updated_at")


def _county_reports(section):
    from portal.registry.models import CountyReport

    return _newest(_within(CountyReport.objects.all(), section), "submitted_at")


def _task_progress(section):
    from portal.registry.models import TaskProgress

    return _newest(_within(TaskProgress.objects.all(), section), "created_at")


def _answers(section):
    from portal.supervision.models import SupervisionMessage

    return _newest(_within(SupervisionMessage.objects.published_qa(), section), "replied_at")


# Columns that show registry data: when that data last changed.
DATA_DATES = {
    "pages.priceindexpage": _prices,
    "pages.directorypage": _institutions,
    "pages.progresspage": _county_reports,
    "pages.jointmeetingpage": _task_progress,
    "pages.supervisionpage": _answers,
}


def sections(scope):
    """The live menu sections of every site that the user may fix."""
    found = []
    for site in Site.objects.select_related("root_page"):
        found += site.root_page.get_children().live().in_menu().filter(pk__in=scope.page_ids).specific()
    return found


def newest_content(section):
    """When the column last got new content (None: never)."""
    dates = [_newest(Page.objects.live().descendant_of(section), "first_published_at")]
    data = DATA_DATES.get(section._meta.label_lower)
    if data is not None:
        dates.append(data(section))
    holds_pages = bool(section.specific_class.allowed_subpage_models())
    if not holds_pages:
        dates.append(section.last_published_at)
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def fix_link(section):
    if section.specific_class.allowed_subpage_models():
        return reverse("wagtailadmin_pages:add_subpage", args=[section.pk]), "发布新内容"
    return reverse("wagtailadmin_pages:edit", args=[section.pk]), "更新栏目"


def find(scope):
    settings = InspectionSettings.load()
    now = timezone.now()
    items = []
    for section in sections(scope):
        interval = settings.interval_for(section)
        newest = newest_content(section)
        url, label = fix_link(section)
        if newest is None:
            problem = "空白栏目：栏目下没有任何内容"
        else:
            age = (now - newest).days
            if age <= interval:
                continue
            problem = (f"已 {age} 天未更新（最近更新 {timezone.localtime(newest):%Y-%m-%d}，"
                       f"要求每 {interval} 天内有新内容）")
        items.append(Item(section.title, problem, url, label, public_url=section.url or ""))
    return items


INDICATOR = Indicator(
    code="columns",
    label="栏目不更新",
    single_veto=True,
    basis="动态、要闻类栏目 2 周、其他栏目 6 个月内应有更新，空白栏目同样计入（周期在“设置 → 网站自查设置”中调整）。",
    find=find,
)
