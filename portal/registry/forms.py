"""The admin form shared by the registries: choices limited to the user's regions."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from . import access
from .models import Region


class RegionScopedAdminForm(WagtailAdminModelForm):
    """Limit every region-bearing choice to what the editing user may see.

    A county admin cannot pick another county, nor a meeting, plan or task
    that belongs to one; the choices simply are not there, and a forged POST
    fails the field's own validation.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is None:
            return
        # Progress notes and the like record who wrote them.
        if hasattr(self.instance, "author_id") and self.instance.pk is None:
            self.instance.author = user
        # The field that places the record in a region ("county", "plan" …)
        # offers only the user's own regions; another reference may also
        # point at a shared record above them (a progress note on the city's task).
        placing_field = getattr(self._meta.model, "region_lookup", "").split("__")[0]
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            if model is Region or hasattr(model, "region_lookup"):
                field.queryset = access.scope_queryset(field.queryset, user, for_reading=name != placing_field)
