"""Where search items are kept: the database index always, Elasticsearch when configured.

Every store has the same small interface (``Store``). ``search.indexing``
hands items to each active store in turn; the database store is the one the
site reads when no cluster is configured and must succeed, the others are
best effort (a cluster outage must not lose a save; ``manage.py
search_reindex`` repairs them).
"""

from typing import Callable, Iterable, Protocol, runtime_checkable

from django.conf import settings

Progress = Callable[[int, int], None]


@runtime_checkable
class Store(Protocol):
    name: str
    required: bool  # True: a failure is an error; False: logged, repaired by a rebuild

    def save(self, items: list) -> int:
        """Insert or replace these items."""

    def delete(self, kind: str, object_ids: Iterable[int]) -> None:
        """Remove the items of this kind (EntryKind) with these object ids."""

    def rebuild(self, batches: Iterable[list], total: int, progress: Progress | None = None) -> int:
        """Replace the whole index with the items of ``batches``; returns how many were written."""


def elasticsearch_enabled():
    return bool(getattr(settings, "ELASTICSEARCH_URL", ""))


def database_store():
    from .database import DatabaseStore

    return DatabaseStore()


def elasticsearch_store():
    from .elastic import ElasticsearchStore

    return ElasticsearchStore()


def active_stores():
    """The stores every change is written to, the database first."""
    stores = [database_store()]
    if elasticsearch_enabled():
        stores.append(elasticsearch_store())
    return stores
