"""留言评价汇总: the writers' ratings (好差评) rolled up per region, within the user's regions.

One row per region one level below the region looked at (a city admin sees
their counties, a province admin their cities), each counting the ratings of
every message in its subtree, plus a 本级 row for messages addressed to the
region itself and a 合计 row. Only counts are shown: no message, comment or
contact detail. The ratings come from ``MessageRating.objects.visible_to``.
"""

from collections import Counter
from dataclasses import dataclass, field

import django_filters
from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from portal.registry import access
from portal.registry.models import Region, RegionLevel

from .models import MessageRating, Rating, SupervisionMessage


@dataclass
class RatingRow:
    label: str
    region: Region | None = None
    drill_down: str = ""
    counts: Counter = field(default_factory=Counter)

    @property
    def satisfied(self):
        return self.counts[Rating.SATISFIED]

    @property
    def basically_satisfied(self):
        return self.counts[Rating.BASICALLY_SATISFIED]

    @property
    def dissatisfied(self):
        return self.counts[Rating.DISSATISFIED]

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def satisfaction(self):
        """满意率: (满意 + 基本满意) / 评价总数, as government 好差评 reports count it."""
        if not self.total:
            return "—"
        return f"{(self.satisfied + self.basically_satisfied) * 100 / self.total:.1f}%"


def roll_up(counts_by_path, regions, own_level=None):
    """Rows for ``regions`` (each summing its subtree), a 本级 row for ``own_level`` and a 合计 row."""
    rows = []
    if own_level is not None:
        own = RatingRow(f"{own_level.name}（本级）", own_level)
        for (path, rating), n in counts_by_path.items():
            if path == own_level.path:
                own.counts[rating] += n
        rows.append(own)
    for region in regions:
        row = RatingRow(region.name, region)
        for (path, rating), n in counts_by_path.items():
            if path.startswith(region.path):
                row.counts[rating] += n
        rows.append(row)
    total = RatingRow("合计")
    for row in rows:
        total.counts.update(row.counts)
    return rows, total


class RatingsFilterSet(WagtailFilterSet):
    region = django_filters.ModelChoiceFilter(
        label="区划", queryset=Region.objects.none(), method="filter_region", empty_label="我的管辖区划",
    )
    rated_at = django_filters.DateFromToRangeFilter(label="评价时间", widget=DateRangePickerWidget)

    class Meta:
        model = MessageRating
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["region"].queryset = (
            access.regions_for(request.user).exclude(level=RegionLevel.TOWNSHIP).order_by("path")
        )

    def filter_region(self, queryset, name, value):
        return queryset.within(value) if value else queryset


class RatingsReportView(ReportView):
    page_title = "留言评价汇总"
    header_icon = "mail"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "supervision/ratings_report_results.html"
    index_url_name = "supervision_ratings"
    index_results_url_name = "supervision_ratings_results"
    filterset_class = RatingsFilterSet
    permission_policy = ModelPermissionPolicy(SupervisionMessage)
    any_permission_required = ["view", "change"]
    paginate_by = 200

    def get_filterset_kwargs(self):
        return {"data": self.request.GET, "request": self.request, "queryset": self.get_base_queryset()}

    def get_base_queryset(self):
        return MessageRating.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.get_base_queryset()

    def looked_at(self):
        """The region whose children are the rows, or None for the user's own top regions."""
        if self.filters and self.filters.is_valid() and self.filters.form.cleaned_data.get("region"):
            return self.filters.form.cleaned_data["region"]
        paths = access.region_paths(self.request.user)
        if paths is not None and len(paths) == 1:
            return Region.objects.get(path=paths[0])
        return None

    def get_filtered_queryset(self):
        ratings = self.filter_queryset(self.get_queryset())
        counts = {
            (row["message__region__path"], row["rating"]): row["n"]
            for row in ratings.values("message__region__path", "rating").annotate(n=Count("pk")).order_by()
        }
        region = self.looked_at()
        if region is not None:
            regions = region.children.exclude(level=RegionLevel.TOWNSHIP).order_by("path")
        elif access.region_paths(self.request.user) is None:
            regions = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("path")
        else:
            regions = access.regions_for(self.request.user).filter(path__in=access.region_paths(self.request.user))
        rows, self.total_row = roll_up(counts, list(regions), own_level=region)
        params = {k: v for k, v in self.request.GET.items() if k not in ("region", "p", "_w_filter_fragment")}
        for row in rows:
            if row.region is not None and row.region != region and row.region.level != RegionLevel.COUNTY:
                row.drill_down = f"{reverse(self.index_url_name)}?{urlencode({**params, 'region': row.region.pk})}"
        return rows

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["total_row"] = self.total_row
        return context
