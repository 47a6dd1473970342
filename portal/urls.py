from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.pages import reports
from portal.ops.views import logout
from portal.pages.api import api_router, directory_api
from portal.pages.views import elder_mode

urlpatterns = [
    # Ahead of Wagtail's own: the report without pages outside the user's regions.
    path("admin/reports/page-types-usage/", reports.page_types_usage),
    path("admin/reports/page-types-usage/results/", reports.page_types_usage_results),
    # Before Wagtail's own: logging out by POST only (portal/ops/views.py).
    path("admin/logout/", logout, name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/directory/", directory_api.urls),
    path("elder-mode/", elder_mode, name="elder_mode"),
    path("search/", include("search.urls")),
    # 网站地图, sitemap.xml and 纠错 (portal/inspection).
    path("", include("portal.inspection.urls")),
]

if settings.SERVE_MEDIA or settings.DEBUG:
    # No web server in front (docker/, runserver): media with safe headers,
    # never the documents folder (portal/ops/media.py).
    from django.urls import re_path

    from portal.ops.media import serve_media

    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]
