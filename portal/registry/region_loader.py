"""Load the division tree from fixtures/regions/regions.csv (idempotent)."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Region
from .models.regions import PATH_SEPARATOR

REGIONS_CSV = Path(settings.BASE_DIR) / "fixtures" / "regions" / "regions.csv"
LEVEL_ORDER = ("province", "city", "county", "township")


@transaction.atomic
def load_regions(path=REGIONS_CSV):
    """Create missing regions and update changed ones; returns (created, updated).

    Levels are created top-down, one bulk insert each, so every parent has a
    primary key before its children. Paths are computed here because
    bulk_create bypasses Region.save().
    """
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    for level in LEVEL_ORDER:
        batch = []
        for row in sorted((r for r in rows if r["level"] == level), key=lambda r: r["code"]):
            parent = existing[row["parent_code"]] if row["parent_code"] else None
            values = {"name": row["name"], "level": level, "is_standard": row["is_standard"] == "1"}
            region = existing.get(row["code"])
            if region is None:
                region = Region(
                    code=row["code"], parent=parent,
                    path=(parent.path if parent else "") + row["code"] + PATH_SEPARATOR, **values,
                )
                existing[region.code] = region
                batch.append(region)
            elif region.parent_id != (parent.pk if parent else None) or any(
                getattr(region, k) != v for k, v in values.items()
            ):
                for k, v in values.items():
                    setattr(region, k, v)
                region.parent = parent
                region.save()  # keeps the subtree's paths right
                updated += 1
        Region.objects.bulk_create(batch)
        created += len(batch)
    return created, updated
