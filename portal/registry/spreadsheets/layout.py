"""One declared layout per sheet kind, the way django-import-export declares a ``Resource``.

A ``Layout`` states, in one place, everything the rest of the code asks about
a kind of sheet: its name in URLs and commands (``kind``), its Chinese names,
its model, its columns (header text and spellings, the widget that cleans a
cell, the model field it fills, whether it may be left out), how a row finds
its existing record (``match_key``), the listing it belongs to and the file
name of its blank form. The service, the admin views, the commands and the
import history read these declarations instead of keeping parallel lists.

Each layout implements four steps over the shared reader and writer:
``read`` (file → ChangeSet, writes nothing), ``apply`` (ChangeSet → one
transaction; returns the journal that ``undo`` needs), ``undo`` and
``export``/``template``.
"""

from dataclasses import dataclass

from .reader import Refused, normalise_header


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    widget: object = None  # an import_export.widgets.Widget: clean(value) and render(value)
    field: str = ""  # the model field the column fills
    group: str = ""  # the merged heading above the column ("所属部门")
    choice: str = ""  # for a tick column: the choice its "1" stands for
    width: float = 10
    aliases: tuple = ()  # other spellings real sheets use
    optional: bool = True
    export: bool = True
    staff_only: bool = False  # written only for users allowed to see it (members' phones)

    def labels(self):
        return {normalise_header(x) for x in (self.header, *self.aliases)}

    @property
    def title(self):
        return f"{self.group}/{self.header}" if self.group else self.header


class UndoRefused(Exception):
    """The undo would overwrite later work; ``lines`` names each row in Chinese."""

    def __init__(self, lines, head="撤销被拒绝，数据未作任何修改"):
        self.lines = list(lines)
        self.report = f"{head}。以下记录在导入之后又被修改过（或已不存在），撤销会覆盖这些修改：\n" + "\n".join(self.lines)
        super().__init__(self.report)


class Layout:
    kind = ""
    label = ""  # 精康服务机构
    form_label = ""  # 精康服务机构（附件1）
    model = None
    columns = ()
    match_key = ()
    listing_url_name = ""
    template_filename = ""
    importable = True
    exportable = True
    can_delete_missing = True
    needs_region = False  # imports must name a region (a meeting's members, a plan's tasks)

    def read(self, table, user, region, delete_missing=False, progress=None, matches=None):
        raise NotImplementedError

    def apply(self, changes, valid_only=False, publish_new=False):
        """Write ``changes`` (inside the caller's transaction); return the undo journal."""
        raise NotImplementedError

    def undo(self, journal, user):
        raise NotImplementedError

    def export(self, queryset, region, user=None):
        raise NotImplementedError

    def template(self):
        raise NotImplementedError

    def queryset_for_region(self, region):
        qs = self.model._default_manager.all()
        # A nationwide vocabulary (服务项目) has no region to narrow by.
        return qs.within(region) if region is not None and hasattr(qs, "within") else qs

    def permission_model(self):
        return self.model


class OrmLayout(Layout):
    """A layout written through the ORM, whose steps are the module's functions
    (``read_changes``, ``apply_changes``, ``export_book``, ``blank_book``); its undo is
    the ORM journal's (``journal.undo_orm``, ``child_sets`` for owned children)."""

    read_changes = apply_changes = export_book = blank_book = child_sets = None

    def read(self, table, user, region, delete_missing=False, progress=None, matches=None):
        return self.read_changes(table, user, region, delete_missing=delete_missing, progress=progress)

    def apply(self, changes, valid_only=False, publish_new=False):
        return self.apply_changes(changes)

    def undo(self, journal, user):
        from .journal import undo_orm

        return undo_orm(journal, child_sets=self.child_sets)

    def export(self, queryset, region, user=None):
        return self.export_book(queryset, region, user)

    def template(self):
        return self.blank_book()


LAYOUTS = {}


def register(layout):
    LAYOUTS[layout.kind] = layout
    return layout


def layout_for(kind, exports=False):
    from . import registered  # noqa: F401  (fills LAYOUTS)

    layout = LAYOUTS.get(kind)
    if layout is None or not (layout.exportable if exports else layout.importable):
        choices = [k for k, v in LAYOUTS.items() if (v.exportable if exports else v.importable)]
        raise Refused(f"不支持的表格类型“{kind}”，可选：{'、'.join(choices)}。")
    return layout


def all_layouts():
    from . import registered  # noqa: F401

    return dict(LAYOUTS)
