"""Region isolation over HTTP: a 铁东区 admin never reaches 铁西区 records."""

import pytest
from django.urls import reverse

from portal.registry import access
from portal.registry.models import (
    ActionPlan,
    CountyReport,
    Department,
    DepartmentDuty,
    DepartmentKind,
    Institution,
    JointMeeting,
    JointMeetingMember,
    Region,
    Target,
    Task,
    TaskProgress,
)

TIEDONG, TIEXI = "210302", "210303"


def make_records(code):
    """One record of every region-scoped registry in the given county."""
    county = Region.objects.get(code=code)
    meeting = JointMeeting.objects.create(region=county, office_seat="区民政局")
    department = Department.objects.get(region=county, kind__code="civil_affairs")
    plan = ActionPlan.objects.create(region=county, title=f"{county.name}实施方案", start_year=2023, end_year=2025)
    task = Task.objects.create(plan=plan, action_number=1, action_title="行动", group_number=1,
                               group_title="组", number=1, text="任务", deadline_text="2023年11月")
    task.set_departments([DepartmentKind.objects.get(code="civil_affairs")])
    return {
        "institution": Institution.objects.filter(county=county).first(),
        "jointmeeting": meeting,
        "jointmeetingmember": JointMeetingMember.objects.create(
            meeting=meeting, role="member", name="张三", organisation="区民政局", phone="13800000000"),
        "departmentduty": DepartmentDuty.objects.create(meeting=meeting, department=department, text="职责"),
        "department": department,
        "actionplan": plan,
        "task": task,
        "taskprogress": TaskProgress.objects.create(task=task, region=county, note="已部署"),
        "target": Target.objects.create(region=county, year=2024, coverage_pct=65, standard_service_rate_pct=45),
        "countyreport": CountyReport.objects.filter(county=county).first(),
        "region": county,
    }


@pytest.fixture
def records(demo_data):
    return {TIEDONG: make_records(TIEDONG), TIEXI: make_records(TIEXI)}


MODELS = ["institution", "jointmeeting", "jointmeetingmember", "departmentduty", "department",
          "actionplan", "task", "taskprogress", "target", "countyreport", "region"]


def url(model, action, pk=None):
    name = f"registry_{model}_modeladmin_{action}"
    return reverse(name, kwargs={"instance_pk": pk}) if pk is not None else reverse(name)


@pytest.fixture
def tiedong_client(client, county_admin):
    client.force_login(county_admin)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_listing_shows_only_own_county(tiedong_client, records, model):
    own, other = records[TIEDONG][model], records[TIEXI][model]
    response = tiedong_client.get(url(model, "index"))
    assert response.status_code == 200
    pks = {obj.pk for obj in response.context["object_list"]}
    assert own.pk in pks
    assert other.pk not in pks


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("action", ["inspect", "edit", "delete"])
def test_other_county_record_by_url_is_404(tiedong_client, records, model, action):
    other = records[TIEXI][model]
    assert tiedong_client.get(url(model, action, other.pk)).status_code == 404
    assert tiedong_client.post(url(model, action, other.pk), {}).status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_own_county_record_can_be_inspected(tiedong_client, records, model):
    assert tiedong_client.get(url(model, "inspect", records[TIEDONG][model].pk)).status_code == 200


@pytest.mark.parametrize("model", ["institution", "jointmeetingmember", "taskprogress", "countyreport"])
def test_own_county_record_can_be_edited_and_deleted(tiedong_client, records, model):
    own = records[TIEDONG][model]
    assert tiedong_client.get(url(model, "edit", own.pk)).status_code == 200
    response = tiedong_client.post(url(model, "delete", own.pk))
    assert response.status_code == 302
    assert not type(own).objects.filter(pk=own.pk).exists()


def test_other_county_record_survives_a_forged_delete(tiedong_client, records):
    other = records[TIEXI]["institution"]
    tiedong_client.post(url("institution", "delete", other.pk))
    assert Institution.objects.filter(pk=other.pk).exists()


def test_create_form_offers_only_own_counties(tiedong_client, records):
    response = tiedong_client.get(url("institution", "create"))
    county_field = response.context["form"].fields["county"]
    assert list(county_field.queryset.values_list("code", flat=True)) == [TIEDONG]


def test_forged_create_for_another_county_is_refused(tiedong_client, records):
    before = Institution.objects.count()
    response = tiedong_client.post(url("institution", "create"), {
        "name": "伪造机构", "county": Region.objects.get(code=TIEXI).pk,
        "owner_department": "civil_affairs", "category": "community_rehab",
        **{f: 0 for f in ["psychiatrists", "therapists", "counsellors", "social_workers", "other_staff",
                          "clients_count", "service_visits", "qualified_staff"]},
    })
    assert response.status_code == 200  # the form is shown again with an error
    assert "county" in response.context["form"].errors
    assert Institution.objects.count() == before


def test_city_admin_sees_all_anshan_counties_but_not_shenyang(client, city_admin, records):
    client.force_login(city_admin)
    pks = {o.pk for o in client.get(url("institution", "index")).context["object_list"]}
    assert {records[TIEDONG]["institution"].pk, records[TIEXI]["institution"].pk} <= pks
    assert not Institution.objects.filter(pk__in=pks).exclude(county__path__startswith="210000/210300/").exists()


def test_region_filter_narrows_the_listing(client, city_admin, records):
    client.force_login(city_admin)
    listed = client.get(url("institution", "index"), {"region": TIEXI}).context["object_list"]
    assert {o.county.code for o in listed} == {TIEXI}


def test_superuser_sees_everything(client, superuser, records):
    client.force_login(superuser)
    response = client.get(url("institution", "index"))
    assert response.context["paginator"].count == Institution.objects.count()


def test_user_without_regions_sees_nothing(make_staff, demo_data):
    user = make_staff("nobody", "县级管理员")
    assert not access.scope_queryset(Institution.objects.all(), user).exists()
    assert not access.can_access(user, Institution.objects.first())


def test_anonymous_user_is_sent_to_login(client, records):
    response = client.get(url("institution", "inspect", records[TIEDONG]["institution"].pk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
