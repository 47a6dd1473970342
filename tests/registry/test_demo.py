import datetime
import io

import pytest
from django.core.management import call_command

from portal.registry.models import (
    ActionPlan,
    Department,
    DepartmentDuty,
    Institution,
    JointMeeting,
    MemberRole,
    Region,
    ServiceItem,
    Target,
    Task,
)


@pytest.fixture
def anshan_plan(demo_data):
    return ActionPlan.objects.get(region__code="210300")


def task(plan, number):
    return plan.tasks.prefetch_related("responsibilities__kind").get(number=number)


def test_regions_of_the_four_provinces_are_loaded(regions):
    provinces = set(Region.objects.filter(level="province").values_list("name", flat=True))
    assert provinces == {"辽宁省", "吉林省", "上海市", "江苏省"}
    assert Region.objects.filter(parent__code="310000", level="county").count() == 16


def test_anshan_counts_its_development_zones(regions):
    children = set(Region.objects.filter(parent__code="210300").values_list("name", flat=True))
    assert {"铁东区", "铁西区", "立山区", "千山区", "台安县", "岫岩满族自治县", "海城市"} <= children
    assert any("开发区" in name for name in children)


def test_anshan_plan_has_29_tasks_in_6_actions_and_19_groups(anshan_plan):
    tasks = anshan_plan.tasks.all()
    assert tasks.count() == 29
    assert sorted(set(tasks.values_list("action_number", flat=True))) == [1, 2, 3, 4, 5, 6]
    assert sorted(set(tasks.values_list("group_number", flat=True))) == list(range(1, 20))


@pytest.mark.parametrize(
    "number, departments",
    [
        (1, "各级民政、卫健、残联"),
        (5, "各级卫健、民政、残联"),
        (13, "各级卫健、民政、残联"),
        (14, "各级民政、残联、卫健"),
        (22, "各级卫健、民政、残联"),
        (29, "各级残联、民政、卫健"),
    ],
)
def test_task_departments_follow_the_seed_order(anshan_plan, number, departments):
    assert task(anshan_plan, number).departments_text == departments


def test_task_leads(anshan_plan):
    assert task(anshan_plan, 5).lead_kind.short_name == "卫健"
    assert task(anshan_plan, 29).lead_kind.short_name == "残联"
    assert task(anshan_plan, 1).lead_kind.short_name == "民政"


def test_task_deadlines(anshan_plan):
    first = task(anshan_plan, 1)
    assert first.deadline_text == "2023年11月"
    assert first.deadline == datetime.date(2023, 11, 30)
    assert task(anshan_plan, 5).deadline_text == "2024年12月底前"
    ongoing = task(anshan_plan, 4)
    assert ongoing.is_ongoing and ongoing.deadline == datetime.date(2025, 12, 31)
    assert task(anshan_plan, 26).text.startswith("通过设立监督电话、公众号等方式")


def test_anshan_joint_meeting_is_annex_2(demo_data):
    meeting = JointMeeting.objects.get(region__code="210300")
    assert meeting.office_seat == "市民政局"
    members = list(meeting.members.all())
    by_role = lambda role: [m for m in members if m.role == role]  # noqa: E731
    convener = by_role(MemberRole.CONVENER)
    assert [(m.name, m.organisation, m.position) for m in convener] == [("赵玉娜", "市民政局", "局长")]
    assert [m.name for m in by_role(MemberRole.MEMBER)] == ["张欣", "刘壮", "马武明", "刘明伟"]
    assert [(m.name, m.position) for m in by_role(MemberRole.OFFICE_DIRECTOR)] == [("刘壮", "副局长")]
    assert [m.name for m in by_role(MemberRole.OFFICE_MEMBER)] == ["李菲", "穆家威", "杨新", "王丹"]
    assert all(m.phone == "" for m in members)


def test_anshan_joint_meeting_duties_are_annex_3(demo_data):
    meeting = JointMeeting.objects.get(region__code="210300")
    assert meeting.meeting_duties.startswith("统筹协调全市“精康融合行动”")
    assert meeting.office_duties.startswith("负责全市“精康融合行动”的组织实施")
    duties = list(DepartmentDuty.objects.filter(meeting=meeting).select_related("department__kind"))
    assert [d.department.kind.short_name for d in duties] == ["财政", "民政", "卫健", "残联"]
    assert duties[0].department.name == "鞍山市财政局"


def test_targets_of_jilin_anshan_and_shanghai(demo_data):
    def targets(code):
        return [(t.year, int(t.coverage_pct), int(t.standard_service_rate_pct), t.coverage_unit)
                for t in Target.objects.filter(region__code=code)]

    assert [t[1:3] for t in targets("220000")] == [(50, 30), (65, 45), (80, 60)]
    assert targets("210300") == [(2023, 50, 30, "county"), (2024, 65, 45, "county"), (2025, 80, 60, "county")]
    assert [(t[1], t[3]) for t in targets("310000")] == [(50, "township"), (65, "township"), (90, "township")]


def test_sample_institutions_are_marked_and_spread_over_anshan(demo_data):
    samples = Institution.objects.filter(is_sample=True)
    assert samples.count() >= 24
    assert all(name.endswith("（示例）") for name in samples.values_list("name", flat=True))
    assert samples.values("county").distinct().count() == Region.objects.filter(parent__code="210300").count()
    assert samples.filter(is_published=False).exists()


@pytest.mark.django_db
def test_service_vocabulary_has_the_national_items():
    national = set(ServiceItem.objects.filter(is_national_standard=True).values_list("name", flat=True))
    assert national == {"服药训练", "预防复发训练", "躯体管理训练", "生活技能训练", "社交能力训练",
                        "职业康复训练", "心理康复", "同伴支持", "家庭支持"}
    assert ServiceItem.objects.filter(name="过渡性住宿", is_national_standard=False).exists()


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    counts = lambda: {m.__name__: m.objects.count() for m in (Region, Institution, Task, Department, Target)}  # noqa: E731
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_demo_accounts_come_with_the_first_load_only(django_user_model):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert set(django_user_model.objects.values_list("username", flat=True)) >= {"admin", "liaoning", "anshan", "tiedong"}
    assert django_user_model.objects.get(username="tiedong").check_password("jingkang-demo-2026")
    # An admin deletes one account and changes another's password; loading again brings neither back.
    django_user_model.objects.filter(username="tiedong").delete()
    anshan = django_user_model.objects.get(username="anshan")
    anshan.set_password("a-new-private-passphrase")
    anshan.save()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not django_user_model.objects.filter(username="tiedong").exists()
    assert django_user_model.objects.get(username="anshan").check_password("a-new-private-passphrase")
    assert "只在首次载入时创建" in out.getvalue()


@pytest.mark.django_db
def test_a_first_load_leaves_an_existing_account_of_the_same_name_alone(django_user_model):
    own = django_user_model.objects.create_user("tiedong", password="my-own-passphrase-1")
    call_command("load_demo", stdout=io.StringIO())
    own.refresh_from_db()
    assert own.check_password("my-own-passphrase-1") and not own.groups.exists() and not own.is_staff
