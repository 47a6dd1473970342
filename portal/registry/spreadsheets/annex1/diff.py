"""Comparing the file's rows with the institutions already in the registry.

Existing rows are fetched in ONE query keyed by (county, name) and compared
in Python; only the fields present in the file are compared (a file without
the contact column leaves contacts alone). New rows are checked for
near-duplicates in their county (``duplicates``); a row the user matched to
an existing institution in the preview becomes an update of that one.
"""

from ...models import Institution, Region
from .. import changeset as cs
from ..changeset import Duplicate
from ..duplicates import CountyIndex
from ..reader import Problem
from .columns import FIELD_INDEX, FIELD_LABELS, FIELDS, display
from .reading import Pending

KEY_COUNTY, KEY_NAME = FIELD_INDEX["county_id"], FIELD_INDEX["name"]
ADDRESS = FIELD_INDEX["address"]


def existing_rows(region, county_ids):
    """{(county_id, name): Pending-like (pk, values)} of the institutions the import may touch."""
    qs = Institution.objects.all()
    qs = qs.within(region) if region is not None else qs.filter(county_id__in=county_ids)
    found = {}
    for pk, *values in qs.values_list("id", *FIELDS).iterator(chunk_size=5000):
        found[(values[KEY_COUNTY], values[KEY_NAME])] = (pk, values)
    return found


def county_indexes(existing):
    """Per county, the existing names and addresses for the near-duplicate check."""
    counties = {county for county, _name in existing}
    if not counties:
        return {}
    regions = Region.objects.filter(pk__in=counties).values_list("pk", "name", "parent__name")
    indexes = {pk: CountyIndex(((parent or "") + name, name)) for pk, name, parent in regions}
    for (county, name), (pk, values) in existing.items():
        indexes[county].add(pk, name, values[ADDRESS])
    return indexes


def compare(result, region, delete_missing=False, matches=None):
    """Turn the new-or-error rows of ``result`` into new / changed / unchanged / deleted rows."""
    rows_ok = [r for r in result.rows if r.status != cs.ERROR]
    county_ids = {r.pending.key[0] for r in rows_ok}
    existing = existing_rows(region, county_ids)
    by_pk = {pk: (key, values) for key, (pk, values) in existing.items()}
    present = [FIELD_INDEX[f] for f in result.context["present"]]
    matches = {str(k): int(v) for k, v in (matches or {}).items() if str(v).isdigit()}
    county_names = {}
    indexes = None
    targeted = {}  # existing pk → the file row that writes it
    for row in rows_ok:
        pending = row.pending
        found = existing.get(pending.key)
        if found is None:
            if indexes is None:
                indexes = county_indexes(existing)
            index = indexes.get(pending.key[0])
            candidates = index.candidates(pending.values[KEY_NAME], pending.values[ADDRESS]) if index else []
            row.duplicates = [Duplicate(*c) for c in candidates]
            chosen = matches.get(str(row.row))
            if chosen is not None and chosen in {d.pk for d in row.duplicates}:
                found = (chosen, by_pk[chosen][1])
                row.duplicates = []
            else:
                row.status = cs.NEW
                continue
        pk, old = found
        if pk in targeted:
            row.status = cs.ERROR
            row.problems.append(Problem(result.sheet, row.row, "机构全称", row.label,
                                        f"与第 {targeted[pk]} 行对应同一家已有机构", "删除重复的一行或改选“作为新机构导入”"))
            continue
        targeted[pk] = row.row
        pending.pk, pending.before = pk, old
        pending.changed = [i for i in present if pending.values[i] != old[i]]
        if pending.changed:
            if KEY_COUNTY in pending.changed and not county_names:
                county_names.update(Region.objects.counties().values_list("pk", "name"))
            row.status = cs.CHANGED
            row.changes = [(FIELD_LABELS[FIELDS[i]], display(FIELDS[i], old[i], county_names),
                            display(FIELDS[i], pending.values[i], county_names)) for i in pending.changed]
        else:
            row.status = cs.UNCHANGED
    if delete_missing and result.ok:
        for key, (pk, old) in existing.items():
            if pk not in targeted and (region is not None or key[0] in county_ids):
                result.add(cs.RowChange(result.sheet, None, cs.DELETED, old[KEY_NAME],
                                        pending=Pending(key, old, pk, old)))
    return result
