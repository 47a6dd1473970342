"""Wagtail's page-types report, without the titles of pages outside the user's regions.

The report names the last edited page of each type across the whole site;
portal/urls.py routes its two URLs here, ahead of Wagtail's own.
"""

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from .permissions import page_in_scope


class ScopedPageTypesUsageReportView(PageTypesUsageReportView):
    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        for item in page_types:
            page = item.last_edited_page
            if page is not None and not page_in_scope(self.request.user, page):
                item.last_edited_page = None
        return page_types


page_types_usage = require_admin_access(ScopedPageTypesUsageReportView.as_view())
page_types_usage_results = require_admin_access(ScopedPageTypesUsageReportView.as_view(results_only=True))
