"""What the home page gathers from the sections below it."""

import functools

from django.utils.functional import SimpleLazyObject

from .models.cases import CaseIndexPage, CasePage
from .models.outreach import OutreachPage


def first_live(model, root):
    return model.objects.live().descendant_of(root).first()


def home_context(home):
    from portal.supervision.models import FALLBACK_HOTLINE

    from .models.directory import DirectoryPage, PriceIndexPage
    from .models.policies import PolicyIndexPage, PolicyPage, ordered_for_site
    from .models.progress import ProgressPage
    from .models.supervision import SupervisionPage, hotlines_for
    from .progress import region_progress

    cases = (CasePage.objects.live().descendant_of(home).defer_streamfields().select_related("region", "cover_image")
             .order_by("-first_published_at")[:3])
    outreach = (OutreachPage.objects.live().descendant_of(home).defer_streamfields().select_related("category", "cover_image")
                .order_by("-date", "-pk")[:4])
    policies = ordered_for_site(PolicyPage.objects.live().descendant_of(home).defer_streamfields(), home.region)[:5]
    # Lazy, so that panels served from the fragment cache cost no query.
    @functools.cache
    def progress_page():
        return first_live(ProgressPage, home)

    @functools.cache
    def progress_region():
        page = progress_page()
        return home.region or (page.region if page else None)

    def progress_summary():
        region = progress_region()
        return region_progress(region).latest if region else None

    return {
        "latest_cases": cases,
        "latest_outreach": outreach,
        "latest_policies": policies,
        "hotlines": SimpleLazyObject(lambda: list(hotlines_for(home.region)[:3])),
        "fallback_hotline": FALLBACK_HOTLINE,
        "progress_summary": SimpleLazyObject(progress_summary),
        "progress_region": SimpleLazyObject(progress_region),
        "links": SimpleLazyObject(lambda: {
            "directory": first_live(DirectoryPage, home), "prices": first_live(PriceIndexPage, home),
            "supervision": first_live(SupervisionPage, home), "policies": first_live(PolicyIndexPage, home),
            "cases": first_live(CaseIndexPage, home), "progress": progress_page(),
        }),
    }
