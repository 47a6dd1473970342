import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    # The page cache and the form rate limit live in the (local-memory) cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_demo(demo_data):
    """The registry demo data and the whole demo public site, as ``load_demo`` builds them."""
    from portal.pages.demo import load_site

    return load_site()
