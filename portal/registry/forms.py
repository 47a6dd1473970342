"""The admin form shared by the registries: choices limited to the user's regions."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from . import access


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
        limit_choices_to_scope(self, user)


def limit_choices_to_scope(form, user):
    """Every choice of a region-bearing record offers only what the user may see.

    The field that places the record in a region ("county", "plan" …) offers
    only the user's own regions; another reference may also point at a shared
    record above them (a progress note on the city's task). Used by the
    registry forms and by page forms of pages that carry a region.
    """
    placing_field = (getattr(form._meta.model, "region_lookup", "") or "").split("__")[0]
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) and access.is_region_bearing(field.queryset.model):
            field.queryset = field.queryset.visible_to(user, for_reading=name != placing_field)
