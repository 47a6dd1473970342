import pytest


@pytest.fixture
def site_demo(demo_data):
    """The registry demo data and the whole demo public site, as ``load_demo`` builds them."""
    from portal.pages.demo import load_site

    return load_site()
