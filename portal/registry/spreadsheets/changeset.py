"""What an import would do, row by row: the preview, and the input of the write step.

A ``ChangeSet`` is what every layout's ``read`` returns: one ``RowChange``
per data row (new / changed / unchanged / error, and deleted rows when
asked), the file's warnings, and what the write step needs (``pending``:
layout-specific data). The admin preview, the error workbook and the
command-line report are all drawn from it.
"""

from collections import Counter
from dataclasses import dataclass, field

from .reader import Problem, Refused

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
DELETED = "deleted"

STATUS_LABELS = {NEW: "新增", CHANGED: "修改", UNCHANGED: "未变", ERROR: "错误", DELETED: "删除"}

# The preview keeps every error row, this many rows flagged as possible duplicates (each
# gets a choice on the confirm page; the others are imported as new), and this many others.
PREVIEW_ROW_LIMIT = 2000
FLAGGED_LIMIT = 500


@dataclass(frozen=True)
class Duplicate:
    """An existing record a new row may be the same as (可能重复)."""

    pk: int
    name: str
    reason: str  # "名称相近" / "地址相同"

    def as_dict(self):
        return {"pk": self.pk, "name": self.name, "reason": self.reason}


@dataclass(slots=True)
class RowChange:
    sheet: str
    row: int | None
    status: str
    label: str
    changes: list = field(default_factory=list)  # [(column label, old, new)]
    problems: list = field(default_factory=list)  # [Problem]
    duplicates: list = field(default_factory=list)  # [Duplicate], new rows only
    pending: object = None  # layout-specific data for the write step

    def as_dict(self):
        return {
            "sheet": self.sheet, "row": self.row, "status": self.status,
            "status_label": STATUS_LABELS[self.status], "label": self.label,
            "changes": [[c, _show(o), _show(n)] for c, o, n in self.changes],
            "problems": [p.as_dict() for p in self.problems],
            "duplicates": [d.as_dict() for d in self.duplicates],
        }


def _show(value):
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


@dataclass
class ChangeSet:
    kind: str
    sheet: str = ""
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # [Problem]
    context: dict = field(default_factory=dict)  # layout-specific (columns present, header rows …)

    def add(self, result):
        self.rows.append(result)
        return result

    @property
    def errors(self):
        return [p for r in self.rows if r.status == ERROR for p in r.problems]

    @property
    def error_rows(self):
        return [r for r in self.rows if r.status == ERROR]

    @property
    def counts(self):
        counter = Counter(r.status for r in self.rows)
        return {s: counter.get(s, 0) for s in (NEW, CHANGED, UNCHANGED, DELETED, ERROR)}

    @property
    def ok(self):
        return not any(r.status == ERROR for r in self.rows)

    @property
    def has_valid_rows(self):
        return any(r.status != ERROR for r in self.rows)

    @property
    def flagged(self):
        """New rows that may duplicate an existing record."""
        return [r for r in self.rows if r.status == NEW and r.duplicates]

    def error_report(self):
        """Every bad row at once, one line each: sheet, row, column, value, problem, fix."""
        return "\n".join(str(p) for p in self.errors)

    def warning_report(self, written=False):
        lines = [str(w) for w in self.warnings]
        flagged = self.flagged
        for r in flagged[:FLAGGED_LIMIT]:
            lines.append(duplicate_warning(r, written))
        if len(flagged) > FLAGGED_LIMIT:
            lines.append(f"另有 {len(flagged) - FLAGGED_LIMIT} 行可能与已有机构重复，未逐一列出，将作为新机构导入。")
        return "\n".join(lines)

    def summary(self):
        c = self.counts
        return (f"新增 {c[NEW]} 条，修改 {c[CHANGED]} 条，未变 {c[UNCHANGED]} 条，"
                f"删除 {c[DELETED]} 条，错误 {c[ERROR]} 条")

    def preview_data(self):
        """A JSON-able preview, kept on the ImportRecord for the confirm page and the error workbook."""
        shown, others, flagged = [], 0, 0
        for r in self.rows:
            if r.duplicates and flagged < FLAGGED_LIMIT:
                flagged += 1
                shown.append(r.as_dict())
            elif r.status == ERROR or others < PREVIEW_ROW_LIMIT:
                shown.append(r.as_dict())
                if r.status != ERROR:
                    others += 1
        return {
            "sheet": self.sheet, "counts": self.counts, "rows": shown,
            "truncated": len(shown) < len(self.rows),
            "warnings": [w.as_dict() for w in self.warnings],
            "header_rows": list(self.context.get("header_rows", ())),
            "flagged": len(self.flagged),
        }


def duplicate_warning(row, written=False):
    names = "、".join(f"‘{d.name}’（{d.reason}）" for d in row.duplicates)
    head = f"工作表“{row.sheet}”第 {row.row} 行“{row.label}”可能与{names}重复"
    if written:
        return f"{head}，已作为新机构导入；如是同一机构，可撤销本次导入，重新导入时选择“匹配到该机构”。"
    return f"{head}：请在预览中选择作为新机构导入，还是匹配到已有机构。"


__all__ = [
    "CHANGED", "DELETED", "ERROR", "ChangeSet", "Duplicate", "NEW", "Problem", "Refused", "RowChange",
    "STATUS_LABELS", "UNCHANGED",
]
