"""Wagtail page types of the public site, one module per section."""

from .base import PortalPage, SiteIdentity, format_pub_date
from .cases import CaseIndexPage, CasePage, RegionReviewTask, ReviewLevel
from .directory import DirectoryPage, PriceIndexPage
from .home import FormField, FormPage, HomePage, StandardPage
from .outreach import OutreachCategory, OutreachIndexPage, OutreachKind, OutreachPage, OutreachPageTag
from .policies import PolicyIndexPage, PolicyPage, PolicyStatus
from .progress import JointMeetingPage, ProgressPage
from .supervision import SupervisionPage

__all__ = [
    "CaseIndexPage", "CasePage", "DirectoryPage", "FormField", "FormPage", "HomePage", "JointMeetingPage",
    "OutreachCategory", "OutreachIndexPage", "OutreachKind", "OutreachPage", "OutreachPageTag", "PolicyIndexPage",
    "PolicyPage", "PolicyStatus", "PortalPage", "PriceIndexPage", "ProgressPage", "RegionReviewTask",
    "ReviewLevel", "SiteIdentity", "StandardPage", "SupervisionPage", "format_pub_date",
]
