"""Whose problems are whose: the one rule every indicator asks.

A problem is shown to the people who can fix it, so every item's link works
for the person reading it:

- **supervision messages** (and 纠错 reports) carry a region: they are shown
  to staff who handle messages (``supervision.change_supervisionmessage``)
  within their regions (``visible_to``), like the inbox;
- **pages** (sections, policies, articles, the links and images on them) are
  shown to those with Wagtail page permissions (add, edit or publish) on
  them. In the demo 编辑 hold them on the whole site and the 县/市/省级管理员
  on 优秀案例, whose pages carry a region: the page permission policy already
  drops the pages outside the user's regions (``portal.pages.permissions``);
- **the footer's links** (设置 → 网站标识与页脚) to those who may edit that setting.

Superusers see everything.
"""

from functools import cached_property, reduce
from operator import or_

from django.db.models import Q
from wagtail.models import Page, Site
from wagtail.permissions import policy_registry

PAGE_ACTIONS = ("add", "change", "publish")
MESSAGE_PERMISSION = "supervision.change_supervisionmessage"
FOOTER_PERMISSION = "pages.change_siteidentity"


def site_pages():
    """Pages under a site's home page (the tree's root and orphaned trees are never served)."""
    roots = list(Site.objects.values_list("root_page__path", flat=True))
    if not roots:
        return Page.objects.none()
    return Page.objects.filter(reduce(or_, (Q(path__startswith=path) for path in roots)))


class Scope:
    """What one user is shown: querysets, built lazily and once per report."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def pages(self):
        """Every page the user may fix (all states: the indicators add live/public)."""
        policy = policy_registry.get_by_type(Page)
        return policy.instances_user_has_any_permission_for(self.user, PAGE_ACTIONS)

    @cached_property
    def page_ids(self):
        return self.pages.values("pk")

    @cached_property
    def live_public_pages(self):
        """The pages the public sees (live, unrestricted, in a site), among the user's."""
        return site_pages().live().public().filter(pk__in=self.page_ids)

    @cached_property
    def messages(self):
        from portal.supervision.models import SupervisionMessage

        if not self.user.has_perm(MESSAGE_PERMISSION):
            return SupervisionMessage.objects.none()
        return SupervisionMessage.objects.visible_to(self.user)

    @cached_property
    def footer(self):
        return self.user.is_superuser or self.user.has_perm(FOOTER_PERMISSION)

    @cached_property
    def is_concerned(self):
        """Does the user fix anything the report covers? (Who is shown the dashboard panel.)"""
        return self.footer or self.user.has_perm(MESSAGE_PERMISSION) or self.pages.exists()
