"""The shape every inspection indicator has, and the report built from them.

An indicator (检查指标) has a label, says whether failing it is a single veto
(单项否决: the whole site fails the inspection), and finds the open items of
one user (``Scope``): each item names what is wrong and links to where it is
fixed. One module per indicator family under ``checks/`` declares them; the
admin report, the dashboard panel and the weekly digest all read
``build_report``, so they never disagree.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.urls import reverse

from .scope import Scope


@dataclass(frozen=True)
class Item:
    subject: str  # what: a page title, a message's reference
    problem: str  # what is wrong, in words an editor acts on
    fix_url: str  # the admin screen where it is fixed
    fix_label: str = "去处理"
    region: str = ""  # the region's name when the item belongs to one
    public_url: str = ""


def page_item(page, problem):
    """An item about a page: fixed in the page editor, seen on the site."""
    return Item(page.title, problem, reverse("wagtailadmin_pages:edit", args=[page.pk]), "编辑页面",
                public_url=page.url or "")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    single_veto: bool
    basis: str  # the rule of the inspection indicators, as editors read it
    find: Callable[[Scope], list]
    note: Callable[[Scope], str] = field(default=lambda scope: "")


@dataclass
class Section:
    indicator: Indicator
    items: list
    note: str = ""

    @property
    def count(self):
        return len(self.items)

    @property
    def vetoed(self):
        """A single-veto indicator that fails: shown in red."""
        return self.indicator.single_veto and bool(self.items)


@dataclass
class Report:
    sections: list

    @property
    def total(self):
        return sum(s.count for s in self.sections)

    @property
    def vetoed(self):
        return any(s.vetoed for s in self.sections)


def build_report(user):
    from .checks import INDICATORS

    scope = Scope(user)
    return Report([Section(i, list(i.find(scope)), i.note(scope)) for i in INDICATORS])
