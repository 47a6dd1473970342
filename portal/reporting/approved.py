"""The approved figures: what the targets are judged on and what the public sees.

Only submissions the level above has approved (and so locked) count. A
county's figures are normally approved by its city (the county's own
submission in the city's round); where a province collected a city's
figures without a city round, the copy the province approved counts instead.
"""

from dataclasses import dataclass

from .models import LEVEL_NAMES, SubmissionStatus, SubmittedReport


@dataclass(frozen=True)
class ApprovedFigures:
    county_id: int
    year: int
    half: str
    offers_service: bool
    townships_total: int | None
    townships_with_service: int | None
    registered_clients: int
    standard_service_clients: int
    reviewed_by_level: str  # "市级" / "省级"
    source: str  # the round's title
    is_sample: bool = False  # reported in a demo round: invented figures


def approved_county_figures(region):
    """One ApprovedFigures per (county, year, half) for the active counties under ``region``."""
    rows = (
        SubmittedReport.objects
        .filter(submission__status=SubmissionStatus.APPROVED, county__path__startswith=region.path, county__is_active=True)
        .select_related("submission__round__region")
        .order_by("pk")
    )
    best = {}
    for row in rows:
        reporting_round = row.submission.round
        key = (row.county_id, reporting_round.year, reporting_round.half)
        own = row.submission.region_id == row.county_id
        held = best.get(key)
        if held is None or (own and not held[0]):
            best[key] = (own, row)
    return [
        ApprovedFigures(
            county_id=row.county_id, year=row.submission.round.year, half=row.submission.round.half,
            offers_service=row.offers_service, townships_total=row.townships_total,
            townships_with_service=row.townships_with_service, registered_clients=row.registered_clients,
            standard_service_clients=row.standard_service_clients,
            reviewed_by_level=LEVEL_NAMES.get(row.submission.round.region.level, ""),
            source=str(row.submission.round), is_sample=row.submission.round.is_sample,
        )
        for _own, row in best.values()
    ]
