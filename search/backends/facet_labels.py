"""Facet values, their Chinese labels and their order: shared by every backend."""

from portal.registry.models import InstitutionCategory, OwnerDepartment, Region, ServiceItem

from ..query import FacetValue

CHOICES = {
    "department": OwnerDepartment,
    "category": InstitutionCategory,
}


def region_children(code):
    """The regions one level below ``code`` (the provinces when no region is chosen)."""
    qs = Region.objects.filter(parent__code=code) if code else Region.objects.filter(parent__isnull=True)
    return list(qs.order_by("path").values_list("code", "name"))


def candidate_values(name, request):
    """The values whose counts are wanted (None: every value present)."""
    if name == "region":
        return [code for code, _ in region_children(request.region)]
    return None


def facet_values(name, counts, request):
    """[FacetValue] for a facet from {value: count}, in a stable order with Chinese labels."""
    selected = request.filter_values().get(name, "")
    if name == "region":
        return [FacetValue(code, label, counts.get(code, 0), code == selected)
                for code, label in region_children(request.region) if counts.get(code)]
    if name in CHOICES:
        return [FacetValue(value, str(label), counts.get(value, 0), value == selected)
                for value, label in CHOICES[name].choices]
    if name == "service":
        order = {n: i for i, n in enumerate(ServiceItem.objects.order_by("sort_order", "name").values_list("name", flat=True))}
        values = [v for v in counts if counts[v]] + ([selected] if selected and selected not in counts else [])
        values.sort(key=lambda v: (order.get(v, len(order)), v))
        return [FacetValue(v, v, counts.get(v, 0), v == selected) for v in values]
    return [FacetValue(v, v, n, v == selected) for v, n in sorted(counts.items())]
