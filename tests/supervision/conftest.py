import pytest


@pytest.fixture
def supervision_page(regions):
    """A minimal site: home and the 监督渠道 page (no other demo content needed)."""
    from wagtail.models import Page, Site

    from portal.pages.models import HomePage, SupervisionPage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="首页", slug="home-test"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home.add_child(instance=SupervisionPage(title="监督渠道", slug="jiandu"))
