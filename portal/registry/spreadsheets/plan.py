"""What an import would do, row by row: the preview and the input of the apply step."""

from collections import Counter
from dataclasses import dataclass, field

from .reader import Problem, Refused

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"
DELETED = "deleted"

STATUS_LABELS = {NEW: "新增", CHANGED: "修改", UNCHANGED: "未变", ERROR: "错误", DELETED: "删除"}

# The preview keeps every error row but only this many of the others.
PREVIEW_ROW_LIMIT = 2000


@dataclass(slots=True)
class RowResult:
    sheet: str
    row: int | None
    status: str
    label: str
    changes: list = field(default_factory=list)  # [(column label, old, new)]
    problems: list = field(default_factory=list)  # [Problem]
    payload: object = None  # layout-specific data for the apply step

    def as_dict(self):
        return {
            "sheet": self.sheet, "row": self.row, "status": self.status,
            "status_label": STATUS_LABELS[self.status], "label": self.label,
            "changes": [[c, _show(o), _show(n)] for c, o, n in self.changes],
            "problems": [p.as_dict() for p in self.problems],
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
class ImportPlan:
    kind: str
    sheet: str = ""
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # [Problem]
    context: dict = field(default_factory=dict)  # layout-specific (columns present, region …)

    def add(self, result):
        self.rows.append(result)
        return result

    @property
    def errors(self):
        return [p for r in self.rows if r.status == ERROR for p in r.problems]

    @property
    def counts(self):
        counter = Counter(r.status for r in self.rows)
        return {s: counter.get(s, 0) for s in (NEW, CHANGED, UNCHANGED, DELETED, ERROR)}

    @property
    def ok(self):
        return not any(r.status == ERROR for r in self.rows)

    def error_report(self):
        """Every bad row at once, one line each: sheet, row, column, value, problem, fix."""
        return "\n".join(str(p) for p in self.errors)

    def warning_report(self):
        return "\n".join(str(w) for w in self.warnings)

    def summary(self):
        c = self.counts
        text = (f"新增 {c[NEW]} 条，修改 {c[CHANGED]} 条，未变 {c[UNCHANGED]} 条，"
                f"删除 {c[DELETED]} 条，错误 {c[ERROR]} 条")
        return text

    def preview_data(self):
        """A JSON-able preview, kept on the ImportRecord for the confirm page."""
        shown, others = [], 0
        for r in self.rows:
            if r.status == ERROR or others < PREVIEW_ROW_LIMIT:
                shown.append(r.as_dict())
                if r.status != ERROR:
                    others += 1
        return {
            "sheet": self.sheet, "counts": self.counts, "rows": shown,
            "truncated": len(shown) < len(self.rows),
            "warnings": [w.as_dict() for w in self.warnings],
        }


__all__ = [
    "CHANGED", "DELETED", "ERROR", "ImportPlan", "NEW", "Problem", "Refused", "RowResult", "STATUS_LABELS",
    "UNCHANGED",
]
