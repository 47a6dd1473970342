"""Search in the back office: the same index and Chinese segmentation as the public site.

* ``InstitutionSearchHandler`` plugs into a wagtail-modeladmin ``ModelAdmin``
  (``search_handler_class = InstitutionSearchHandler``). The listing's
  queryset is already limited to the user's regions by
  ``RegionScopedModelAdmin``; the handler only narrows it to the matches, so
  region scope is never widened. Unpublished institutions are found too.
* ``search_institutions(..., user=staff_user)`` (search.directory) gives staff
  the faceted search with the same scope rules from ``portal.registry.access``.
"""

from django.db.models import Q
from wagtail_modeladmin.helpers.search import BaseSearchHandler

from .backends.database import DatabaseBackend
from .items import INSTITUTION_SECTION


class InstitutionSearchHandler(BaseSearchHandler):
    """Finds Chinese words in names, addresses, services and introductions."""

    section = INSTITUTION_SECTION

    def search_queryset(self, queryset, search_term, **kwargs):
        search_term = (search_term or "").strip()[:100]
        if not search_term:
            return queryset
        ids = DatabaseBackend().matching_object_ids(search_term, self.section)
        # The plain name match covers rows saved a moment ago whose index update
        # has not run yet (it runs after the transaction commits).
        return queryset.filter(Q(pk__in=ids) | Q(name__icontains=search_term))

    @property
    def show_search_form(self):
        return True
