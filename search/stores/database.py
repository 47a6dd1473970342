"""The database store: the SearchEntry / SearchText / SearchService tables (search.models)."""

from django.db import connection, transaction

from ..models import SearchEntry, SearchService, SearchText


class DatabaseStore:
    name = "database"
    required = True

    def save(self, items):
        for item in items:
            self._save_one(item)
        return len(items)

    @staticmethod
    def _save_one(item):
        with transaction.atomic():
            entry, _ = SearchEntry.objects.update_or_create(
                content_type_id=item.content_type_id, object_id=item.object_id, defaults=item.entry_fields(),
            )
            SearchText.objects.update_or_create(entry=entry, defaults=item.text_fields())
            entry.service_rows.all().delete()
            SearchService.objects.bulk_create(
                SearchService(entry=entry, name=name[:50]) for name in dict.fromkeys(item.facets.get("service", []))
            )
        return entry

    def delete(self, kind, object_ids):
        SearchEntry.objects.filter(kind=kind, object_id__in=list(object_ids)).delete()

    def rebuild(self, batches, total, progress=None):
        done = 0
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            for batch in batches:
                self.insert(batch)
                done += len(batch)
                if progress:
                    progress(done, total)
        self.analyze()
        return done

    @staticmethod
    def analyze():
        """Fresh planner statistics after a bulk load: without them PostgreSQL guesses a handful of
        rows and probes the text table row by row (several times slower on a broad query)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchentry, search_searchtext, search_searchservice")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_searchentry")

    @staticmethod
    def insert(items):
        """Insert items known to be absent from the index (a rebuild, a bulk load)."""
        entries = SearchEntry.objects.bulk_create(
            SearchEntry(content_type_id=i.content_type_id, object_id=i.object_id, **i.entry_fields()) for i in items
        )
        SearchText.objects.bulk_create(
            (SearchText(entry_id=entry.pk, **item.text_fields()) for entry, item in zip(entries, items)),
            batch_size=500,
        )
        SearchService.objects.bulk_create(
            (SearchService(entry_id=entry.pk, name=name[:50])
             for entry, item in zip(entries, items)
             for name in dict.fromkeys(item.facets.get("service", []))),
            batch_size=2000,
        )
        return entries
