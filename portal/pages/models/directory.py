"""机构查询 and 价格公示: pages over the published institution registry."""

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from .. import cache
from ..directory import DirectoryFilterForm, public_institutions
from .base import PortalPage

PER_PAGE = 20


def _page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


class RegionRootMixin(models.Model):
    region = models.ForeignKey(
        "registry.Region", verbose_name="显示范围", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="只显示此区划内的机构；留空显示全部。",
    )

    class Meta:
        abstract = True

    def scoped_institutions(self):
        queryset = public_institutions()
        if self.region_id:
            queryset = queryset.within(self.region)
        return queryset

    def listing_context(self, request, institutions):
        """The filter form, one page of the filtered institutions, and the query for paging links."""
        form = DirectoryFilterForm(request.GET or None, root=self.region)
        page_obj = Paginator(form.filter(institutions), PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return {"form": form, "institutions": page_obj, "query": query.urlencode()}


class DirectoryPage(RegionRootMixin, RoutablePageMixin, PortalPage):
    """机构查询: the published institutions, filterable, with a detail page each."""

    intro = RichTextField("导语", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro")]
    subpage_types = []
    max_count = 1
    # Their lists are read from the search index, which is written after the commit.
    cache_topics = (cache.PAGES, cache.INSTITUTIONS, cache.PRICES, cache.SEARCH)

    class Meta:
        verbose_name = "机构查询"

    @path("")
    def listing(self, request):
        # Words, not substrings: the search index, with facet counts beside the filters.
        form = DirectoryFilterForm(request.GET or None, root=self.region)
        page_obj, result = form.search(page=_page_number(request.GET.get("page")), per_page=PER_PAGE)
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(request, context_overrides={"form": form, "institutions": page_obj, "result": result,
                                                       "query": query.urlencode()})

    @path("<int:pk>/")
    def detail(self, request, pk):
        from portal.prices.board import price_board

        institution = get_object_or_404(self.scoped_institutions(), pk=pk)
        context = self.get_context(request)
        context.update({"institution": institution, "board": price_board(institution),
                        "article_title": institution.name})
        return TemplateResponse(request, "pages/institution_detail.html", context)


class PriceIndexPage(RegionRootMixin, RoutablePageMixin, PortalPage):
    """价格公示: institutions' price boards and their adjustment records."""

    intro = RichTextField("导语", blank=True)

    content_panels = PortalPage.content_panels + [FieldPanel("intro"), FieldPanel("region")]
    search_fields = PortalPage.search_fields + [index.SearchField("intro"), index.SearchField("search_keywords")]
    subpage_types = []
    max_count = 1
    # Their lists are read from the search index, which is written after the commit.
    cache_topics = (cache.PAGES, cache.INSTITUTIONS, cache.PRICES, cache.SEARCH)

    class Meta:
        verbose_name = "价格公示"

    def search_keywords(self):
        """The words people search price disclosure by, whatever the editors wrote in the intro."""
        return "价格公示 明码标价 收费标准 服务价格 价格投诉"

    @path("")
    def listing(self, request):
        with_prices = self.scoped_institutions().filter(price_items__isnull=False).distinct()
        return self.render(request, context_overrides=self.listing_context(request, with_prices))

    @path("<int:pk>/")
    def board(self, request, pk):
        from portal.prices.board import price_board, price_history

        institution = get_object_or_404(self.scoped_institutions(), pk=pk)
        board = price_board(institution)
        if not board:
            raise Http404("该机构暂无价格公示。")
        context = self.get_context(request)
        context.update({"institution": institution, "board": board, "history": price_history(institution),
                        "article_title": f"{institution.name}价格公示"})
        return TemplateResponse(request, "pages/price_board.html", context)
