"""What an import changed, kept so that it can be taken back (撤销导入).

For the layouts that write through the ORM (Annex 2 members, the task table,
the flat registries), every record an import touches is kept as Django's
serializer writes it ("python" format, JSON-safe):

- created: the record as the import left it → undo deletes it;
- changed: the record (and the children it owns) before and after → undo
  puts "before" back;
- deleted: the record and everything its deletion cascaded to → undo saves
  them again.

Undo first compares each record with what the import left; a record edited
since (or gone, or whose key is taken again) refuses the whole undo and is
named in the report. Annex 1 keeps a compact journal of its own
(annex1/saving.py) because it writes 10,000 rows in bulk.
"""

import json

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router
from django.db.models.deletion import Collector

from .layout import UndoRefused


def _jsonable(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def freeze(objects):
    """Records → JSON-safe dicts ({"model", "pk", "fields"})."""
    return _jsonable(serializers.serialize("python", objects))


def current(entry):
    """The record named by a frozen entry as it is now (frozen too), or None."""
    model = apps.get_model(entry["model"])
    obj = model._default_manager.filter(pk=entry["pk"]).first()
    return None if obj is None else freeze([obj])[0]


def thaw(entries):
    """Save frozen records again, primary keys and many-to-many included."""
    for restored in serializers.deserialize("python", entries):
        restored.save()


def collect_cascade(objects):
    """Everything deleting ``objects`` would delete, parents first (for restoring)."""
    if not objects:
        return []
    collector = Collector(using=router.db_for_write(type(objects[0])))
    collector.collect(objects)
    collector.sort()
    found = []
    for model, instances in reversed(list(collector.data.items())):
        if not model._meta.auto_created:  # many-to-many rows travel with their record
            found.extend(sorted(instances, key=lambda o: o.pk))
    for queryset in collector.fast_deletes:
        if getattr(queryset, "model", None) is not None and not queryset.model._meta.auto_created:
            found.extend(queryset)
    return found


class OrmJournal:
    """Collects what an ORM-writing layout did, as it does it."""

    def __init__(self, describe):
        self.describe = describe  # record → the Chinese label named in an undo report
        self.created, self.changed, self.deleted = [], [], []

    def created_records(self, records, children=()):
        for record in records:
            self.created.append({"label": self.describe(record), "after": freeze([record, *children])})

    def changed_record(self, before, after):
        """``before`` and ``after``: lists of records (the record first, then its children)."""
        self.changed.append({"label": self.describe(after[0]), "before": before, "after": freeze(after)})

    def before(self, record, children=()):
        return freeze([record, *children])

    def deleting(self, record):
        self.deleted.append({"label": self.describe(record), "objects": freeze(collect_cascade([record]))})

    def as_dict(self):
        return {"format": "orm", "created": self.created, "changed": self.changed, "deleted": self.deleted}


def _same(frozen_list):
    """Are the records of ``frozen_list`` still exactly as frozen? (children: same set too)."""
    for entry in frozen_list:
        if current(entry) != entry:
            return False
    return True


def undo_orm(journal, child_sets=None):
    """Take back an ORM journal; raise UndoRefused naming every record edited since.

    ``child_sets(entry_list)`` may return the frozen children a record has
    now, so a child added after the import also counts as an edit.
    """
    conflicts = []
    for part, wording in (("created", "导入后被修改或已删除"), ("changed", "导入后又被修改")):
        for entry in journal.get(part, []):
            after = entry["after"]
            if not _same(after) or (child_sets and child_sets(after) != after[1:]):
                conflicts.append(f"{entry['label']}：{wording}")
    for entry in journal.get("deleted", []):
        head = entry["objects"][0] if entry["objects"] else None
        if head is not None and current(head) is not None:
            conflicts.append(f"{entry['label']}：导入删除后又被重新建立")
    if conflicts:
        raise UndoRefused(conflicts)
    counts = {"deleted": 0, "restored": 0, "recreated": 0}
    for entry in journal.get("created", []):
        head = entry["after"][0]
        apps.get_model(head["model"])._default_manager.filter(pk=head["pk"]).delete()
        counts["deleted"] += 1
    for entry in journal.get("changed", []):
        before, after = entry["before"], entry["after"]
        kept = {(e["model"], e["pk"]) for e in before}
        for child in after[1:]:  # children the import added
            if (child["model"], child["pk"]) not in kept:
                apps.get_model(child["model"])._default_manager.filter(pk=child["pk"]).delete()
        thaw(before)
        counts["restored"] += 1
    for entry in journal.get("deleted", []):
        thaw(entry["objects"])
        counts["recreated"] += 1
    return counts
