"""Keep the index fresh: saves, deletes, publish and unpublish, after the transaction commits.

Connected in SearchConfig.ready() so the registry and page apps need not know
about search. Changed keys are queued and indexed in an on_commit callback:
a rolled-back save never reaches the index, and a bulk import that saves an
institution twice indexes it once.
"""

import logging
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.registry.models import Institution, ServiceItem
from portal.registry.signals import bulk_written

from . import indexing
from .items import SHARED_SECTIONS

logger = logging.getLogger(__name__)
_pending = threading.local()
INLINE_LIMIT = 200  # more changed institutions than this are indexed by a background task


def _queue(kind, pks):
    state = getattr(_pending, "state", None)
    if state is None:
        state = _pending.state = {"institution": set(), "page": set()}
    state[kind].update(pks)
    # One callback per change; the first to run does all queued work, the rest
    # find nothing left. (Keys left by a rolled-back transaction are harmless:
    # indexing reads the database, so a row that was never saved is removed.)
    transaction.on_commit(_flush)


def _flush():
    state = getattr(_pending, "state", None)
    _pending.state = None
    if not state:
        return
    try:
        if len(state["institution"]) > INLINE_LIMIT:
            # An import of thousands of rows: index them in the background
            # instead of holding the request (or command) after the commit.
            from .tasks import index_institutions_task

            index_institutions_task.enqueue(sorted(state["institution"]))
        elif state["institution"]:
            indexing.index_institutions(sorted(state["institution"]))
        if state["page"]:
            indexing.index_pages(sorted(state["page"]))
    except Exception:
        # After the commit nothing can be rolled back: log, and let `search_reindex` repair.
        logger.exception("Search index update failed")


def institution_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _queue("institution", [instance.pk])


def institutions_written(sender, keys=None, **kwargs):
    """Rows an import wrote in bulk (no post_save): find their keys, queue them."""
    if not keys:
        return
    wanted = set(keys)
    rows = Institution.objects.filter(county_id__in={county for county, _ in wanted}).values_list("pk", "county_id", "name")
    _queue("institution", [pk for pk, county, name in rows if (county, name) in wanted])


def institution_deleted(sender, instance, **kwargs):
    _queue("institution", [instance.pk])


def institution_services_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # service.institutions.add(...)
        pks = pk_set or list(instance.institutions.values_list("pk", flat=True))
        _queue("institution", pks)
    else:
        _queue("institution", [instance.pk])


def service_item_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        _queue("institution", list(instance.institutions.values_list("pk", flat=True)))


def price_item_changed(sender, instance, raw=False, **kwargs):
    # The institution's price board item appears, changes or goes.
    if not raw and instance.institution_id:
        _queue("institution", [instance.institution_id])


def page_changed(sender, instance, **kwargs):
    if instance.depth == 3:
        # A section page (价格公示, 政策文件 …): its title is the section name of every item under it.
        _queue("page", list(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True)))
        if instance.specific_class.__name__ in SHARED_SECTIONS:
            # The institutions and price boards it lists carry its title and URL too.
            _queue("institution", list(Institution.objects.values_list("pk", flat=True)))
        return
    _queue("page", [instance.pk])


def page_moved(sender, instance, **kwargs):
    # URLs of the page and everything below it change.
    _queue("page", list(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True)))


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        _queue("page", [instance.pk])


def restriction_changed(sender, instance, **kwargs):
    # A view restriction hides the page and everything below it (or shows them again).
    page = instance.page
    _queue("page", list(Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)))


def connect():
    post_save.connect(institution_saved, sender=Institution, dispatch_uid="search.institution_saved")
    post_delete.connect(institution_deleted, sender=Institution, dispatch_uid="search.institution_deleted")
    bulk_written.connect(institutions_written, sender=Institution, dispatch_uid="search.institutions_written")
    m2m_changed.connect(institution_services_changed, sender=Institution.services.through,
                        dispatch_uid="search.institution_services")
    post_save.connect(service_item_saved, sender=ServiceItem, dispatch_uid="search.service_item_saved")
    from portal.prices.models import PriceItem

    post_save.connect(price_item_changed, sender=PriceItem, dispatch_uid="search.price_item_saved")
    post_delete.connect(price_item_changed, sender=PriceItem, dispatch_uid="search.price_item_deleted")
    page_published.connect(page_changed, dispatch_uid="search.page_published")
    page_unpublished.connect(page_changed, dispatch_uid="search.page_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="search.page_moved")
    post_delete.connect(page_deleted, dispatch_uid="search.page_deleted")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_saved")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_deleted")
