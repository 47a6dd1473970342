"""工作进展: progress against the yearly targets, computed from approved figures.

Only figures the level above has approved in a reporting round count
(``portal.reporting.approved``): what a county merely typed into the registry
is not published. For each year the latest approved report of every county
counts (December over June).
Coverage is the share of counties offering the service, or for a region
counted by townships (上海) the share of townships with service; the
standard-service rate is the sum of clients in standard service over the sum
of registered clients. Targets come from the region or its nearest ancestor.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from portal.registry.models import CoverageUnit, Half, Region, RegionLevel
from portal.registry.models.progress import targets_for
from portal.reporting.approved import ApprovedFigures, approved_county_figures
from portal.reporting.board import share


@dataclass
class YearProgress:
    year: int
    counties_total: int
    counties_reporting: int = 0
    counties_with_service: int = 0
    townships_total: int = 0
    townships_with_service: int = 0
    registered: int = 0
    standard: int = 0
    coverage_target: Decimal | None = None
    rate_target: Decimal | None = None
    unit: str = CoverageUnit.COUNTY
    is_sample: bool = False  # a figure of the year comes from a demo round (marked （示例）)

    @property
    def coverage(self):
        if self.unit == CoverageUnit.TOWNSHIP:
            return share(self.townships_with_service, self.townships_total)
        return share(self.counties_with_service, self.counties_total) if self.counties_reporting else None

    @property
    def rate(self):
        return share(self.standard, self.registered)

    @property
    def coverage_met(self):
        return None if self.coverage is None or self.coverage_target is None else self.coverage >= self.coverage_target

    @property
    def rate_met(self):
        return None if self.rate is None or self.rate_target is None else self.rate >= self.rate_target


@dataclass
class CountyRow:
    county: Region
    report: ApprovedFigures | None

    @property
    def rate(self):
        return share(self.report.standard_service_clients, self.report.registered_clients) if self.report else None


@dataclass
class RegionProgress:
    region: Region
    unit: str
    years: list = field(default_factory=list)
    counties: list = field(default_factory=list)
    latest_period: str = ""
    reviewed_by: str = ""  # "市级": who approved the latest period's figures
    sources: list = field(default_factory=list)  # the rounds they were reported in
    is_sample: bool = False  # any figure shown comes from a demo round (marked （示例）)

    @property
    def latest(self):
        reported = [y for y in self.years if y.counties_reporting]
        return reported[-1] if reported else None


HALF_ORDER = {Half.H1: 1, Half.H2: 2}


def region_progress(region):
    """Everything the progress page draws, in four queries whatever the size."""
    counties = list(Region.objects.within(region).filter(level=RegionLevel.COUNTY, is_active=True).order_by("path"))
    targets = targets_for(region)
    unit = next(iter(targets.values())).coverage_unit if targets else CoverageUnit.COUNTY
    reports = sorted(approved_county_figures(region), key=lambda r: (r.year, HALF_ORDER[r.half]))
    latest_in_year = {}
    for report in reports:
        key = (report.county_id, report.year)
        held = latest_in_year.get(key)
        if held is None or HALF_ORDER[report.half] > HALF_ORDER[held.half]:
            latest_in_year[key] = report
    years = sorted(set(targets) | {year for _, year in latest_in_year})
    by_year = {y: YearProgress(year=y, counties_total=len(counties), unit=unit) for y in years}
    for (_, year), report in latest_in_year.items():
        row = by_year[year]
        row.counties_reporting += 1
        row.counties_with_service += int(report.offers_service)
        row.townships_total += report.townships_total or 0
        row.townships_with_service += report.townships_with_service or 0
        row.registered += report.registered_clients
        row.standard += report.standard_service_clients
        row.is_sample = row.is_sample or report.is_sample
    for year, target in targets.items():
        by_year[year].coverage_target = target.coverage_pct
        by_year[year].rate_target = target.standard_service_rate_pct
    result = RegionProgress(region=region, unit=unit, years=[by_year[y] for y in years])
    result.is_sample = any(r.is_sample for r in latest_in_year.values())
    latest = max(((r.year, HALF_ORDER[r.half]) for r in latest_in_year.values()), default=None)
    if latest:
        year, half = latest
        result.latest_period = f"{year}年{'上半年' if half == 1 else '下半年'}"
        newest = {r.county_id: r for r in latest_in_year.values() if (r.year, HALF_ORDER[r.half]) == latest}
        result.reviewed_by = "、".join(sorted({r.reviewed_by_level for r in newest.values()}))
        result.sources = sorted({r.source for r in newest.values()})
        result.counties = [CountyRow(county=c, report=newest.get(c.pk)) for c in counties]
    return result
