"""What changed: field-by-field values before and after an admin save.

The registry admin views (portal/registry/admin_base.py, AuditChangesMixin)
take a snapshot before the form is processed and attach the difference to
the log entry Wagtail writes for the save; a deletion keeps the last values.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

MAX_VALUE_LENGTH = 300


def _display(instance, field):
    if isinstance(field, models.ManyToManyField):
        if instance.pk is None:
            return ""
        return "、".join(sorted(str(o) for o in getattr(instance, field.name).all()))
    if field.choices:
        value = getattr(instance, field.attname)
        return "" if value in (None, "") else str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        related_id = getattr(instance, field.attname)
        if related_id is None:
            return ""
        try:
            return str(getattr(instance, field.name))
        except Exception:  # the related row is gone
            return f"#{related_id}"
    value = field.value_from_object(instance)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _child_relations(instance):
    # Inline panels (e.g. a task's responsible departments) are child relations.
    from modelcluster.models import ClusterableModel, get_all_child_relations

    return get_all_child_relations(type(instance)) if isinstance(instance, ClusterableModel) else []


def snapshot(instance):
    """{field name: (label, display value)} for the fields a person edits."""
    values = {}
    opts = instance._meta
    for field in list(opts.concrete_fields) + list(opts.many_to_many):
        if field.primary_key or not field.editable:
            continue
        values[field.name] = (str(field.verbose_name), _display(instance, field)[:MAX_VALUE_LENGTH])
    if instance.pk is not None:
        for relation in _child_relations(instance):
            accessor = relation.get_accessor_name()
            try:
                children = getattr(instance, accessor).all()
            except Exception:
                continue
            label = str(relation.related_model._meta.verbose_name_plural)
            values[accessor] = (label, "；".join(str(c) for c in children)[:MAX_VALUE_LENGTH])
    return values


def diff(before, after):
    """The changed fields as [{field, label, old, new}], in field order."""
    changes = []
    for name, (label, new) in after.items():
        old = before.get(name, (label, ""))[1]
        if old != new:
            changes.append({"field": name, "label": label, "old": old, "new": new})
    return changes


def attach(model, object_id, action, user, data, window_seconds=120):
    """Add ``data`` to the newest entry of ``action`` for this object by this user.

    Wagtail's views write the entry themselves; this completes it instead of
    writing a second one.
    """
    log_model = log_registry.get_log_model_for_model(model)
    if log_model is None or not hasattr(log_model, "object_id"):
        return None
    entry = (
        log_model.objects.filter(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
            object_id=str(object_id),
            action=action,
            user=user,
            timestamp__gte=timezone.now() - timedelta(seconds=window_seconds),
        )
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None:
        return None
    entry.data = {**(entry.data or {}), **data}
    entry.save(update_fields=["data"])
    return entry
