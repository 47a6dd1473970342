"""What the home page gathers from the sections below it."""

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

    cases = (CasePage.objects.live().descendant_of(home).select_related("region", "cover_image")
             .order_by("-first_published_at")[:3])
    outreach = (OutreachPage.objects.live().descendant_of(home).select_related("category", "cover_image")
                .order_by("-date", "-pk")[:4])
    policies = ordered_for_site(PolicyPage.objects.live().descendant_of(home), home.region)[:5]
    progress_page = first_live(ProgressPage, home)
    progress_region = home.region or (progress_page.region if progress_page else None)
    return {
        "latest_cases": cases,
        "latest_outreach": outreach,
        "latest_policies": policies,
        "hotlines": list(hotlines_for(home.region)[:3]),
        "fallback_hotline": FALLBACK_HOTLINE,
        "progress_summary": region_progress(progress_region).latest if progress_region else None,
        "progress_region": progress_region,
        "links": {
            "directory": first_live(DirectoryPage, home), "prices": first_live(PriceIndexPage, home),
            "supervision": first_live(SupervisionPage, home), "policies": first_live(PolicyIndexPage, home),
            "cases": first_live(CaseIndexPage, home), "progress": progress_page,
        },
    }
