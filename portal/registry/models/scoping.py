"""The one way to ask "which rows lie in these regions" of a region-bearing model.

A model belongs to a region by naming the path to it in ``region_lookup``
("county", "meeting__region" …; Region itself uses "self") and by using a
manager built on ``RegionScopedQuerySet``. The rule behind ``visible_to`` lives
in ``portal.registry.access``; a system check (``portal.registry.checks``)
refuses a model that declares a region without this queryset.
"""

from django.db import models


class RegionScopedQuerySet(models.QuerySet):
    def within(self, *regions):
        """Rows whose region is one of ``regions`` (Region rows or paths) or below it."""
        from .. import access

        paths = [r if isinstance(r, str) else r.path for r in regions if r is not None]
        return self.filter(access.subtree_q(self.model, paths))

    def visible_to(self, user, for_reading=False):
        """Rows in the user's regions; with ``for_reading``, also the shared rows above them."""
        from .. import access

        return access.scope_queryset(self, user, for_reading=for_reading)
