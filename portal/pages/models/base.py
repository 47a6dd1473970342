"""What every public page shares: search fields, the government meta tags and
the site identity shown in the footer."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page
from wagtail.search import index

from .. import cache
from ..forms import PortalPageForm


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """网站标识: what Chinese government sites show in their footer and meta tags."""

    organiser = models.CharField("主办单位", max_length=100, blank=True)
    operator = models.CharField("承办单位", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    site_id_code = models.CharField("网站标识码", max_length=20, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True)
    icp_url = models.URLField("ICP备案链接", blank=True, default="https://beian.miit.gov.cn/")
    police_number = models.CharField("公网安备号", max_length=50, blank=True)
    police_url = models.URLField("公网安备链接", blank=True, default="https://beian.mps.gov.cn/")

    panels = [
        MultiFieldPanel([FieldPanel("organiser"), FieldPanel("operator"), FieldPanel("address"), FieldPanel("phone")],
                        heading="主办与承办"),
        MultiFieldPanel([FieldPanel("site_id_code"), FieldPanel("icp_number"), FieldPanel("icp_url"),
                         FieldPanel("police_number"), FieldPanel("police_url")], heading="标识与备案"),
    ]

    class Meta:
        verbose_name = "网站标识与页脚"


def format_pub_date(value):
    """Publication times as government sites print them: YYYY-MM-DD HH:MM."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class PortalPage(Page):
    """Abstract base of every page type of the public site."""

    content_source = models.CharField(
        "信息来源", max_length=100, blank=True, help_text="留空时使用网站主办单位",
    )

    search_fields = Page.search_fields + [index.SearchField("search_description")]
    promote_panels = Page.promote_panels + [FieldPanel("content_source")]
    # A slug taken by a sibling (an autosaved draft) gets a suffix (portal/pages/forms.py).
    base_form_class = PortalPageForm

    # Detail pages carry ArticleTitle/PubDate; section pages only ColumnName.
    is_article = False
    # What the page shows besides pages (navigation, lists, the footer): the page
    # cache keeps it until one of these topics changes (portal/pages/cache.py).
    cache_topics = (cache.PAGES,)

    class Meta:
        abstract = True

    @property
    def column_name(self):
        """The site column (栏目) this page belongs to: itself for a section, its parent below."""
        if not self.is_article:
            return self.title
        parent = self.get_parent()
        return parent.title if parent else self.title

    @property
    def pub_date(self):
        return format_pub_date(self.first_published_at or self.latest_revision_created_at)

    def cache_topics_for(self):
        return self.cache_topics

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = section_pages(request)
        return context

    def permissions_for_user(self, user):
        # A page type with a region_lookup is out of reach outside its region.
        from ..permissions import tester_for

        return tester_for(user, self)


def section_pages(request):
    """The top navigation: live, in-menu children of the site's root page.

    Lazy: a navigation served from the fragment cache costs no query.
    """
    cached = getattr(request, "_portal_sections", None)
    if cached is None:
        cached = request._portal_sections = SimpleLazyObject(lambda: _load_sections(request))
    return cached


def _load_sections(request):
    from wagtail.models import Site

    site = Site.find_for_request(request)
    return list(site.root_page.get_children().live().in_menu()) if site is not None else []


def require_alt_text(image, alt_text, field="cover_alt"):
    if image is not None and not (alt_text or "").strip():
        raise ValidationError({field: "请为图片填写替代文字（说明图片内容，供读屏软件朗读）。"})
