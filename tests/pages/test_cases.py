"""优秀案例: consent and anonymisation checks, and the county → city → province review."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from portal.pages.models import CaseIndexPage, CasePage
from portal.pages.privacy import personal_data_warnings
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS
from portal.registry.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["联系电话13812345678", "身份证号210302199001011234", "座机0412-5551234",
                                  "张伟患有精神分裂症多年", "精神分裂症患者王小明"])
def test_personal_data_is_spotted(text):
    assert personal_data_warnings(text)


@pytest.mark.parametrize("text", ["张某患有精神分裂症多年", "李女士的孩子患抑郁症", "服务对象康复良好，电话回访 12345",
                                  "2025年服务120人次"])
def test_anonymised_text_passes(text):
    assert personal_data_warnings(text) == []


def case_form(region, action=None, consent=True, anonymised=True, summary="服务对象张某参加同伴支持小组。"):
    data = nested_form_data({
        "title": "同伴支持小组", "slug": "tongban", "region": region.pk, "institution": "", "year": 2025,
        "theme": "同伴支持", "summary": summary, "cover_image": "", "cover_alt": "",
        "practices": streamfield([]), "results": streamfield([]), "images": streamfield([]),
        "comments": inline_formset([]), "seo_title": "", "search_description": "", "content_source": "",
    })
    if consent:
        data["consent_confirmed"] = "on"
    if anonymised:
        data["anonymised_confirmed"] = "on"
    if action:
        data[action] = "1"
    return data


@pytest.fixture
def editors(site_demo, make_staff):
    return {
        "county": make_staff("tiedong", COUNTY_ADMINS, "210302"),
        "county_reviewer": make_staff("tiedong-review", COUNTY_ADMINS, "210302"),
        "other_county": make_staff("lishan", COUNTY_ADMINS, "210304"),
        "city": make_staff("anshan", CITY_ADMINS, "210300"),
        "other_city": make_staff("dalian", CITY_ADMINS, "210200"),
        "province": make_staff("liaoning", PROVINCE_ADMINS, "210000"),
    }


def add_url():
    return f"/admin/pages/add/pages/casepage/{CaseIndexPage.objects.get().pk}/"


def test_submitting_without_consent_is_refused(client, editors):
    client.force_login(editors["county"])
    tiedong = Region.objects.get(code="210302")
    response = client.post(add_url(), case_form(tiedong, action="action-submit", consent=False))
    assert response.status_code == 200
    html = response.content.decode()
    assert "书面同意" in html
    assert not CasePage.objects.filter(slug="tongban").exists()


def test_a_draft_may_be_saved_without_consent_and_the_editor_is_warned(client, editors):
    client.force_login(editors["county"])
    tiedong = Region.objects.get(code="210302")
    response = client.post(add_url(), case_form(tiedong, consent=False, summary="患者张三患有精神分裂症，电话13812345678。"),
                           follow=True)
    assert response.status_code == 200
    page = CasePage.objects.get(slug="tongban")
    assert not page.live
    html = response.content.decode()
    assert "请检查案例是否已匿名化" in html and "13812345678" in html


def test_editors_cannot_pick_a_region_outside_their_own(client, editors):
    client.force_login(editors["county"])
    lishan = Region.objects.get(code="210304")
    response = client.post(add_url(), case_form(lishan))
    assert response.status_code == 200
    assert not CasePage.objects.filter(slug="tongban").exists()


def test_review_goes_county_then_city_then_province_within_the_region(client, editors):
    client.force_login(editors["county"])
    tiedong = Region.objects.get(code="210302")
    response = client.post(add_url(), case_form(tiedong, action="action-submit"))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = CasePage.objects.get(slug="tongban")
    state = page.current_workflow_state
    assert state is not None and not page.live

    expected_steps = [("county_reviewer", "other_county"), ("city", "other_city"), ("province", None)]
    for reviewer, outsider in expected_steps:
        state.refresh_from_db()
        task = state.current_task_state.task.specific
        if outsider:
            assert task.get_actions(page, editors[outsider]) == []
        # Separation of duties: the submitter approves none of the steps.
        assert task.get_actions(page, editors["county"]) == []
        assert state.current_task_state not in task.get_task_states_user_can_moderate(editors["county"])
        assert [a[0] for a in task.get_actions(page, editors[reviewer])][:2] == ["reject", "approve"]
        assert state.current_task_state in task.get_task_states_user_can_moderate(editors[reviewer])
        task.on_action(state.current_task_state, editors[reviewer], "approve")
    page.refresh_from_db()
    assert page.live
    assert CaseIndexPage.objects.get().get_workflow().tasks.count() == 3


def test_the_submitter_cannot_approve_even_as_a_superuser(client, editors, make_staff):
    root = make_staff("root", None, superuser=True)
    client.force_login(root)
    tiedong = Region.objects.get(code="210302")
    response = client.post(add_url(), case_form(tiedong, action="action-submit"))
    assert response.status_code == 302
    page = CasePage.objects.get(slug="tongban")
    state = page.current_workflow_state
    task = state.current_task_state.task.specific
    assert task.get_actions(page, root) == []
    # Over HTTP too: the approve action is refused, and the case stays in review.
    url = f"/admin/pages/workflow/action/{page.pk}/approve/{state.current_task_state.pk}/"
    response = client.post(url, {})
    assert response.status_code in (302, 403)
    state.refresh_from_db()
    assert state.current_task_state.task.specific.level == "county"
    assert state.current_task_state.status == "in_progress"
    # Another reviewer of the county can.
    assert [a[0] for a in task.get_actions(page, editors["county_reviewer"])][:2] == ["reject", "approve"]
