"""AuditChangesMixin: the registry admin views say what changed.

Wagtail (wagtail-modeladmin) already writes a log entry for each create,
edit and delete, with the user and time; this mixin adds the field values
to that entry: old → new on create and edit, the last values on delete.
"""

from wagtail_modeladmin.views import DeleteView

from .changes import attach, diff, snapshot


class AuditChangesMixin:
    def post(self, request, *args, **kwargs):
        instance = getattr(self, "instance", None)
        pk = getattr(instance, "pk", None)
        self._audit_before = snapshot(instance) if pk is not None else {}
        response = super().post(request, *args, **kwargs)
        if isinstance(self, DeleteView) and pk is not None and not type(instance)._default_manager.filter(pk=pk).exists():
            values = [{"field": k, "label": label, "value": v} for k, (label, v) in self._audit_before.items() if v]
            attach(type(instance), pk, "wagtail.delete", request.user, {"snapshot": values})
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        action = "wagtail.edit" if self._audit_before else "wagtail.create"
        changes = diff(self._audit_before, snapshot(self.instance))
        attach(type(self.instance), self.instance.pk, action, self.request.user, {"changes": changes})
        return response
