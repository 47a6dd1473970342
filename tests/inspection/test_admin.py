"""报告 → 网站自查, the dashboard panel, the settings and the editor's accessibility checker."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from portal.inspection.accessibility import MESSAGES
from portal.supervision.models import SupervisionMessage

pytestmark = pytest.mark.django_db
REPORT = "/admin/reports/inspection/"


@pytest.fixture
def overdue(regions):
    return SupervisionMessage.objects.create(
        region=regions["210302"], concerns="某康复驿站", content="周六无人。", contact_phone="13800138000",
        received_at=timezone.now() - datetime.timedelta(days=40),
    )


def test_the_report_lists_each_indicator_with_links_to_fix(client, site, people, overdue):
    client.force_login(people["tiedong"])
    response = client.get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("栏目不更新", "留言超期未答复", "链接不可用", "信息要素缺失", "过期内容仍作现行展示"):
        assert label in html
    assert overdue.reference in html
    assert f'href="/admin/supervision/supervisionmessage/edit/{overdue.pk}/"' in html
    assert "13800138000" not in html
    assert 'class="jk-indicator jk-vetoed"' in html


def test_the_report_shows_another_regions_messages_to_nobody_else(client, site, people, overdue):
    client.force_login(people["lishan"])
    html = client.get(REPORT).content.decode()
    assert overdue.reference not in html
    assert 'id="indicator-messages" class="jk-indicator"' in html


def test_the_report_is_in_the_reports_menu(client, site, people):
    client.force_login(people["editor"])
    html = client.get("/admin/").content.decode()
    assert "网站自查" in html and REPORT in html


def test_the_dashboard_panel_counts_per_indicator_and_marks_single_vetoes(client, site, people, overdue):
    client.force_login(people["tiedong"])
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="inspection-section"'):]
    panel = panel[:panel.index("查看网站自查报告")]
    assert re.search(r'<tr class="jk-vetoed">\s*<td><a [^>]*#indicator-messages">留言超期未答复</a>', panel)
    assert "<strong>1</strong> 项（不合格）" in panel


def test_opening_the_report_refreshes_the_panels_counts(client, site, people, overdue):
    from portal.supervision.models import MessageStatus

    client.force_login(people["tiedong"])
    assert "（不合格）" in client.get("/admin/").content.decode()
    overdue.status, overdue.reply = MessageStatus.ANSWERED, "已整改。"
    overdue.save()
    client.get(REPORT)
    html = client.get("/admin/").content.decode()
    panel = html[html.index('id="inspection-section"'):]
    assert '#indicator-messages">留言超期未答复</a><span class="jk-veto-tag">单项否决</span></td>\n                <td>无</td>' in panel


def test_the_panel_is_not_shown_to_staff_with_nothing_the_report_covers(client, site, make_staff):
    from django.contrib.auth.models import Group, Permission

    readers = Group.objects.create(name="只读")
    readers.permissions.add(Permission.objects.get(codename="access_admin"))
    user = make_staff("registry-only")
    user.groups.add(readers)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'id="inspection-section"' not in response.content.decode()


def test_the_update_intervals_are_edited_in_the_settings(client, site, people):
    from portal.inspection.models import InspectionSettings

    home, sections = site
    client.force_login(people["editor"])
    url = client.get("/admin/settings/inspection/inspectionsettings/")["Location"]
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "news_interval_days": "7", "other_interval_days": "90",
        "section_intervals-TOTAL_FORMS": "1", "section_intervals-INITIAL_FORMS": "0",
        "section_intervals-MIN_NUM_FORMS": "0", "section_intervals-MAX_NUM_FORMS": "1000",
        "section_intervals-0-section": str(sections["policies"].pk), "section_intervals-0-interval_days": "30",
        "section_intervals-0-ORDER": "1", "section_intervals-0-id": "", "section_intervals-0-DELETE": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    settings = InspectionSettings.load()
    assert (settings.news_interval_days, settings.other_interval_days) == (7, 90)
    assert settings.interval_for(sections["policies"]) == 30
    assert settings.interval_for(sections["outreach"]) == 7


def test_a_zero_interval_is_refused_in_chinese(client, site, people):
    client.force_login(people["editor"])
    url = client.get("/admin/settings/inspection/inspectionsettings/")["Location"]
    response = client.post(url, {
        "news_interval_days": "0", "other_interval_days": "90",
        "section_intervals-TOTAL_FORMS": "0", "section_intervals-INITIAL_FORMS": "0",
        "section_intervals-MIN_NUM_FORMS": "0", "section_intervals-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert "确保该值大于或等于1" in response.content.decode()


def axe_configuration(html):
    found = re.search(r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no axe configuration on the page"
    return json.loads(found.group(1))


def test_the_page_editor_runs_the_accessibility_checker_with_our_rules(client, site, people):
    home, sections = site
    client.force_login(people["editor"])
    config = axe_configuration(client.get(f"/admin/pages/{sections['about'].pk}/edit/").content.decode())
    assert config["context"]["include"] == ["main"]
    assert set(config["options"]["runOnly"]) == set(MESSAGES) and "image-alt" in MESSAGES
    assert config["messages"]["image-alt"]["error_name"] == "图片缺少替代文字"


def test_the_userbar_on_the_site_uses_the_same_checker(client, site, people):
    home, sections = site
    client.force_login(people["editor"])
    config = axe_configuration(client.get(sections["about"].url).content.decode())
    assert config["messages"]["heading-order"]["error_name"] == "标题层级跳级"
