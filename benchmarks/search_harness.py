"""Shared set-up for the search benchmarks: a throw-away test database.

The scripts use the test settings and Django's own test-database machinery,
so they run on SQLite by default and on PostgreSQL when DATABASE_URL points
there, exactly as the test suite does, and never touch a real database.
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


@contextmanager
def test_database():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment

    settings.ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "") if os.environ.get("BENCH_ELASTICSEARCH") else ""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, as in production: Django's default in-memory test database uses
        # SQLite's shared cache, whose locking makes every row read slower.
        import tempfile

        database.setdefault("TEST", {})["NAME"] = os.path.join(tempfile.mkdtemp(prefix="search-bench-"), "bench.sqlite3")
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        yield connection.vendor
    finally:
        teardown_databases(config, verbosity=0)
        teardown_test_environment()


def load_demo():
    """The demo data set as `manage.py load_demo` builds it (without users), then a full index."""
    from portal.registry import demo
    from portal.registry.groups import ensure_groups
    from search import indexing

    ensure_groups()
    demo.load_all()
    try:
        from portal.pages.demo import load_site
    except ImportError:  # the public site's pages are not there yet: institutions only
        load_site = None
    if load_site is not None:
        load_site()
    return indexing.rebuild_database_index()
