"""Public URLs of the inspection conventions: 网站地图, sitemap.xml and 纠错."""

from django.urls import path

from .corrections import error_report, error_report_thanks
from .sitemap import site_map, sitemap_xml

urlpatterns = [
    path("sitemap.xml", sitemap_xml, name="sitemap_xml"),
    path("wangzhanditu/", site_map, name="site_map"),
    path("jiucuo/", error_report, name="error_report"),
    path("jiucuo/thanks/", error_report_thanks, name="error_report_thanks"),
]
