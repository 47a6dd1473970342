"""Keeping the index fresh: build the items (search.items) and hand them to every
active store (search.stores).

``signals.py`` calls ``index_institutions`` / ``index_pages`` after the
transaction commits; ``rebuild`` refills every store (``manage.py search_reindex`` does it store by store).
"""

from __future__ import annotations

import logging

from django.dispatch import Signal
from wagtail.models import Page

from . import items as search_items
from .models import EntryKind
from .stores import active_stores, database_store

logger = logging.getLogger(__name__)

# Sent after the stores were written (kind: "institution", "page" or "all"), so that what
# shows results of the index (the page cache) can drop what it kept from before.
index_written = Signal()


def _each_store(action, stores=None):
    """Run ``action(store)`` on every store; only a required store's failure is raised."""
    for store in stores or active_stores():
        if store.required:
            action(store)
            continue
        try:
            action(store)
        except Exception:
            # The database index is already right; a cluster outage must not lose the save.
            # `manage.py search_reindex` repairs the cluster index later.
            logger.exception("Search store %s: update failed", store.name)


def index_institutions(pks):
    """(Re)index the given institutions and their price boards; those that no longer exist are removed."""
    pks = list(pks)
    search_items.clear_caches()
    found = list(search_items.institutions_for_index().filter(pk__in=pks))
    items = search_items.institution_items(found)
    gone = set(pks) - {i.pk for i in found}
    boards = {i.object_id for i in items if i.kind == EntryKind.PRICE_BOARD}
    no_board = set(pks) - boards

    def write(store):
        store.save(items)
        if gone:
            store.delete(EntryKind.INSTITUTION, gone)
        if no_board:
            store.delete(EntryKind.PRICE_BOARD, no_board)

    _each_store(write)
    index_written.send(sender=None, kind="institution")
    return len(found)


def index_pages(pks):
    """(Re)index pages: live public pages are written, anything else is removed."""
    pks = list(pks)
    items, gone = [], []
    pages = {p.pk: p for p in Page.objects.filter(pk__in=pks).specific()}
    for pk in pks:
        page = pages.get(pk)
        if page is None or not search_items.page_is_public(page):
            gone.append(pk)
            continue
        items.append(search_items.page_item(page))

    def write(store):
        store.save(items)
        if gone:
            store.delete(EntryKind.PAGE, gone)

    _each_store(write)
    index_written.send(sender=None, kind="page")
    return len(items)


def rebuild(stores=None, progress=None):
    """Rebuild the given stores (default: all active) from scratch; returns items written per store."""
    done = {}

    def run(store):
        report = (lambda n, total: progress(store.name, n, total)) if progress else None
        done[store.name] = store.rebuild(search_items.all_items(), search_items.count_items(), report)

    _each_store(run, stores)
    index_written.send(sender=None, kind="all")
    return done


def rebuild_database_index(progress=None):
    """Rebuild the database index from scratch; ``progress(done, total)`` is called per batch."""
    written = database_store().rebuild(search_items.all_items(), search_items.count_items(), progress)
    index_written.send(sender=None, kind="all")
    return written
