"""链接不可用: links on public pages that lead nowhere a visitor can go.

- internal links (rich text, page and document choosers, link blocks) to a
  page that is missing, unpublished or restricted, or to a document that is
  missing or in a restricted collection, read from Wagtail's reference index
  (``references``) as the page is now;
- external links, as ``manage.py check_links`` last found them
  (``linkcheck``), with the time of that check.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page

from ..indicators import Indicator, Item, page_item
from ..models import ExternalLink, LinkCheckRun, LinkResult
from ..references import references_from, target_ids


def page_link_problems(sources):
    """(source page id, problem) for links to pages a visitor cannot open."""
    references = references_from(sources, Page)
    ids = target_ids(references)
    targets = {p.pk: p for p in Page.objects.filter(pk__in=ids).only("pk", "title", "live")}
    public = set(Page.objects.filter(pk__in=ids).live().public().values_list("pk", flat=True))
    found = []
    for ref in references:
        pk = int(ref.target_id) if ref.target_id.isdigit() else None
        target = targets.get(pk)
        if target is None:
            found.append((ref.source_id, f"链接的页面（编号 {ref.target_id}）已不存在"))
        elif not target.live:
            found.append((ref.source_id, f"链接到未发布（已下线）的页面《{target.title}》"))
        elif pk not in public:
            found.append((ref.source_id, f"链接到限制访问的页面《{target.title}》，公众无法打开"))
    return found


def restricted_collection_paths():
    return [r.collection.path for r in CollectionViewRestriction.objects.select_related("collection")]


def document_link_problems(sources):
    model = get_document_model()
    references = references_from(sources, model)
    ids = target_ids(references)
    documents = {d.pk: d for d in model.objects.filter(pk__in=ids).select_related("collection")}
    restricted = restricted_collection_paths()
    found = []
    for ref in references:
        document = documents.get(int(ref.target_id) if ref.target_id.isdigit() else None)
        if document is None:
            found.append((ref.source_id, f"链接的文件（编号 {ref.target_id}）已被删除"))
        elif any(document.collection.path.startswith(p) for p in restricted):
            found.append((ref.source_id, f"链接的文件《{document.title}》在限制访问的文件夹中，公众无法下载"))
    return found


def external_link_problems(scope):
    broken = ExternalLink.objects.filter(result=LinkResult.BROKEN).prefetch_related(
        Prefetch("pages", queryset=scope.live_public_pages.only("pk", "title")))
    found = []
    for link in broken.order_by("url"):
        problem = f"外部链接无法访问：{link.url}（{link.error}，检查于 {timezone.localtime(link.checked_at):%Y-%m-%d %H:%M}）"
        found += [(page.pk, problem) for page in link.pages.all()]
        if link.in_footer and scope.footer:
            found.append((None, problem))
    return found


def find(scope):
    sources = scope.live_public_pages
    problems = page_link_problems(sources) + document_link_problems(sources) + external_link_problems(scope)
    problems = list(dict.fromkeys(problems))  # the same dead link twice on a page is one item
    pages = Page.objects.in_bulk({pk for pk, _ in problems if pk})
    items = []
    for page_id, problem in problems:
        if page_id is None:
            items.append(Item("网站标识与页脚", problem, reverse("wagtailsettings:edit", args=["pages", "siteidentity"]),
                              "编辑页脚"))
        else:
            items.append(page_item(pages[page_id], problem))
    return sorted(items, key=lambda i: (i.subject, i.problem))


def note(scope):
    run = LinkCheckRun.objects.order_by("-finished_at").first()
    if run is None:
        return "外部链接尚未检查过：请让管理员运行 manage.py check_links（建议每天一次）。"
    return (f"外部链接最近一次检查：{timezone.localtime(run.finished_at):%Y-%m-%d %H:%M}，"
            f"共 {run.link_count} 个，{run.broken_count} 个无法访问。")


INDICATOR = Indicator(
    code="links",
    label="链接不可用",
    single_veto=False,
    basis="页面上的链接应能打开：不链接已下线、已删除或限制访问的页面和文件，外部链接应可访问。",
    find=find,
    note=note,
)
