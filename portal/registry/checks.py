"""System check: a model that declares a region must be queryable by region."""

from django.apps import apps
from django.core import checks

from .models.scoping import RegionScopedQuerySet


@checks.register(checks.Tags.models)
def region_models_use_the_scoped_queryset(app_configs=None, models=None, **kwargs):
    errors = []
    for model in models if models is not None else apps.get_models():
        if not getattr(model, "region_lookup", None):
            continue
        queryset = model._default_manager.get_queryset()
        if not isinstance(queryset, RegionScopedQuerySet):
            errors.append(checks.Error(
                f"{model._meta.label} declares region_lookup but its default manager is not built on "
                "RegionScopedQuerySet, so .visible_to(user) and .within(region) are missing.",
                hint="objects = RegionScopedQuerySet.as_manager() (or subclass it for a custom queryset).",
                obj=model, id="registry.E001",
            ))
    return errors
