"""Put the portal's home page at the root of the default site (idempotent)."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import HomePage

SITE_TITLE = "精康融合行动服务平台"


@transaction.atomic
def load_site():
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(
            title=SITE_TITLE, slug="home-zh",
            intro="<p>精神障碍社区康复服务：机构查询、价格公示、监督渠道、政策文件与工作进展。</p>",
        ))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                                   site_name=SITE_TITLE)
    elif site.root_page_id != home.pk:
        old = site.root_page
        site.root_page = home
        site.site_name = SITE_TITLE
        site.save()
        # Wagtail's "Welcome" placeholder page has nothing on it.
        if old.specific_class is Page and not old.get_children().exists():
            old.delete()
    return home
