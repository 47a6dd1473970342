"""A county administrator walks the back office and meets no English.

The screens a county admin uses every day are requested with the test client;
their visible text (and the title, placeholder, aria-label and alt attributes)
must hold no English words beyond a few names. The strings the issue named
(dashboard panels, "By 区划", the page editor's errors, the approve button)
are checked where they appear.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from portal.pages.models import CaseIndexPage, CasePage
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS
from portal.registry.models import Region
from portal.supervision.models import SupervisionMessage

from ..pages.test_cases import add_url, case_form

pytestmark = pytest.mark.django_db

# Names, formats and the keys of the keyboard-shortcuts dialog.
ALLOWED = {"Wagtail", "XLSX", "CSV", "UTF", "Excel", "JavaScript", "GBK", "SHA", "ICP", "PDF", "URL",
           "Alt", "Ctrl", "Esc", "Shift", "Enter", "Tab", "Cmd", "Option"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-w-tooltip-content-value"}
# Words standing alone: not the letters inside a code such as the reference JK20261126-8DDDA2.
LATIN = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z][A-Za-z'’]{2,}(?:[ ,.:;!?-]+[A-Za-z][A-Za-z'’]*)*(?![A-Za-z0-9])")


class VisibleText(HTMLParser):
    """Text nodes outside script/style/svg and hidden elements, plus the attributes
    a person or a screen reader meets."""

    def __init__(self):
        super().__init__()
        self.parts, self.open = [], []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag not in VOID:
            self.open.append(tag in ("script", "style", "svg") or "hidden" in names)
        if not any(self.open):
            self.parts += [value for name, value in attrs if name in ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if not any(self.open):
            self.parts.append(data)


def english_in(html, usernames=()):
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.parts:
        for words in LATIN.findall(text):
            words = words.strip(" ,.:;!?-")
            if words in ALLOWED or words.lower() in usernames or re.fullmatch(r"[a-z0-9_./-]+", words):
                continue  # names, slugs, file names
            if words in ("True", "False"):  # Django's boolean icons carry alt="True"
                continue
            found.add(words)
    return found


@pytest.fixture
def county(site_demo, make_staff):
    return make_staff("tiedong", COUNTY_ADMINS, "210302")


def county_screens():
    case = CasePage.objects.get(slug="tiedong-tongban")
    index = CaseIndexPage.objects.get()
    tiedong_message = SupervisionMessage.objects.filter(region__code="210302").first()
    screens = [
        "/admin/", f"/admin/pages/{index.pk}/", add_url(), f"/admin/pages/{case.pk}/edit/",
        f"/admin/pages/{case.pk}/history/", "/admin/pages/search/?q=康复",
        "/admin/registry/institution/", "/admin/registry/institution/create/", "/admin/registry/task/",
        "/admin/registry/taskprogress/", "/admin/registry/countyreport/", "/admin/registry/jointmeeting/",
        "/admin/supervision/supervisionmessage/", "/admin/supervision/hotline/", "/admin/prices/priceversion/",
        "/admin/reports/audit/", "/admin/reports/supervision-ratings/", "/admin/reports/workflow/",
        "/admin/help/", "/admin/registry-spreadsheets/institutions/import/",
    ]
    if tiedong_message:
        screens.append(f"/admin/supervision/supervisionmessage/edit/{tiedong_message.pk}/")
    return screens


def test_a_county_admin_meets_no_english(client, county):
    client.force_login(county)
    failures = {}
    for url in county_screens():
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_in(response.content.decode(), usernames={"tiedong"})
        if found:
            failures[url] = sorted(found)
    assert not failures, failures


def test_the_dashboard_panels_are_chinese(client, county):
    client.force_login(county)
    tiedong = Region.objects.get(code="210302")
    assert client.post(add_url(), case_form(tiedong, action="action-submit")).status_code == 302
    html = client.get("/admin/").content.decode()
    assert "您在工作流中的页面和片段" in html
    assert re.search(r'\d+ 个页面<span class="w-sr-only">（创建于', html)
    assert "Your pages and snippets" not in html and "Pages created in" not in html


def test_list_filters_read_by_region(client, county):
    client.force_login(county)
    html = client.get("/admin/registry/institution/").content.decode()
    assert "按区划" in html and "By 区划" not in html


def test_page_editor_errors_are_chinese(client, county):
    client.force_login(county)
    tiedong = Region.objects.get(code="210302")
    data = case_form(tiedong, action="action-publish")
    data["title"] = ""
    response = client.post(add_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "页面有校验错误，未能创建。" in html and "转到第一处错误" in html
    assert "Go to the first error" not in html and "could not be created" not in html


def test_the_last_reviewer_sees_approve_and_publish_in_chinese(client, site_demo, make_staff):
    county = make_staff("tiedong", COUNTY_ADMINS, "210302")
    reviewers = [make_staff("tiedong-review", COUNTY_ADMINS, "210302"), make_staff("anshan", CITY_ADMINS, "210300")]
    province = make_staff("liaoning", PROVINCE_ADMINS, "210000")
    client.force_login(county)
    assert client.post(add_url(), case_form(Region.objects.get(code="210302"), action="action-submit")).status_code == 302
    page = CasePage.objects.get(slug="tongban")
    state = page.current_workflow_state
    for reviewer in reviewers:
        state.refresh_from_db()
        state.current_task_state.task.specific.on_action(state.current_task_state, reviewer, "approve")
    client.force_login(province)
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "审核通过并发布" in html
    assert "审核通过 和发布" not in html and "and Publish" not in html


def test_the_javascript_strings_are_chinese(client, county):
    client.force_login(county)
    catalogue = client.get("/admin/jsi18n/").content.decode()
    # The catalogue is JSON with \u escapes.
    assert json.dumps("正在自动保存…") in catalogue and json.dumps("修改已自动保存。") in catalogue
