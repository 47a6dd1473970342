"""The active search backend: Elasticsearch when ELASTICSEARCH_URL is set, else the database."""

from django.conf import settings


def get_backend(name=None):
    """``name``: "database" or "elasticsearch"; by default the one the settings choose."""
    if name is None:
        name = "elasticsearch" if getattr(settings, "ELASTICSEARCH_URL", "") else "database"
    if name == "elasticsearch":
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend()
    from .database import DatabaseBackend

    return DatabaseBackend()
