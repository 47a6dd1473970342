"""Annex 1 (附件1 精康服务机构基本情况统计表): institutions, both ways.

- ``columns``: the column table (header, spellings, widget, field) — the one
  statement of what each column means;
- ``reading``: header detection and rows → clean values or problems;
- ``diff``: comparison with the registry, near-duplicates, matches;
- ``saving``: one transaction, the undo journal, undo;
- ``writing``: the form (export, template, and parts for roll-ups).

Why not django-import-export's ModelResource on this hot path: it builds,
validates and saves one model instance per row (about 7.7× the openpyxl
parse time for 10,000 rows, 8× to re-import); its bulk mode (``use_bulk``)
does update rows, through bulk_update, but still builds every instance. The
flat registries, small and ORM-shaped, use it (``flat.py``); the widgets that
clean Annex 1 cells are django-import-export widgets (``widgets.py``).
"""

from ...models import Institution
from ..layout import Layout, register
from . import diff, reading, saving, writing
from .columns import (  # noqa: F401  (the names other modules use)
    COLUMNS, COUNT_FIELDS, EXPORT_COLUMNS, FIELD_INDEX, FIELD_LABELS, FIELDS, NOTES, join_contact, split_contact,
    title_for,
)
from .writing import export, row_values, start_sheet, finish_sheet, template, write  # noqa: F401

KIND = "institutions"
LABEL = "精康服务机构"
MODEL = Institution


class Annex1Layout(Layout):
    kind = KIND
    label = LABEL
    form_label = "精康服务机构（附件1）"
    model = Institution
    columns = COLUMNS
    match_key = ("county", "name")
    listing_url_name = "registry_institution_modeladmin_index"
    template_filename = "附件1-精康服务机构基本情况统计表（模板）.xlsx"
    can_publish = True

    def read(self, table, user, region, delete_missing=False, progress=None, matches=None):
        changes = reading.read_rows(table, user, region, progress=progress)
        return diff.compare(changes, region, delete_missing=delete_missing, matches=matches)

    def apply(self, changes, valid_only=False, publish_new=False):
        return saving.apply(changes, valid_only=valid_only, publish_new=publish_new)

    def undo(self, journal, user):
        return saving.undo(journal, user)

    def export(self, queryset, region, user=None):
        return writing.export(queryset, region, user)

    def template(self):
        return writing.template()


LAYOUT = register(Annex1Layout())


def queryset_for_region(region):
    return LAYOUT.queryset_for_region(region)
