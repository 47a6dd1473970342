"""The demo data set built from the seeds (run by ``manage.py load_demo``).

Every function is idempotent: running the loader twice leaves the same rows.
Sample institutions and county reports are invented, clearly marked （示例）,
and hold aggregates only.
"""

import random

from django.db import transaction

from . import seeds
from .models import (
    ActionPlan,
    CountyReport,
    CoverageUnit,
    Department,
    DepartmentDuty,
    DepartmentKind,
    Institution,
    InstitutionCategory,
    JointMeeting,
    JointMeetingMember,
    OperationMode,
    OwnerDepartment,
    FacilityType,
    Region,
    ServiceItem,
    Target,
    Task,
    TaskProgress,
    TaskResponsibility,
    TaskStatus,
    parse_deadline,
)
from .region_loader import load_regions

ANSHAN = "210300"
JILIN = "220000"
SHANGHAI = "310000"
SAMPLE_MARK = "（示例）"

# Organisation names as Annex 2/3 write them → department kind.
ORGANISATION_KINDS = {
    "市民政局": "civil_affairs",
    "市财政局": "finance",
    "市卫生健康委": "health",
    "市残疾人联合会": "disabled_federation",
    "市残联": "disabled_federation",
}
CITY_DEPARTMENT_NAMES = {
    "civil_affairs": "鞍山市民政局",
    "finance": "鞍山市财政局",
    "health": "鞍山市卫生健康委员会",
    "disabled_federation": "鞍山市残疾人联合会",
}

TARGETS = [
    # region, unit, source, [(year, coverage %, standard-service rate %)]
    (JILIN, CoverageUnit.COUNTY, "吉民发〔2023〕40号",
     [(2024, 50, 30), (2025, 65, 45), (2026, 80, 60)]),
    (ANSHAN, CoverageUnit.COUNTY, "鞍山市“精康融合行动”方案(2023-2025)",
     [(2023, 50, 30), (2024, 65, 45), (2025, 80, 60)]),
    (SHANGHAI, CoverageUnit.TOWNSHIP, "沪民残福发〔2023〕4号",
     [(2023, 50, 30), (2024, 65, 45), (2025, 90, 60)]),
]


def region(code):
    return Region.objects.get(code=code)


def kinds():
    return {k.short_name: k for k in DepartmentKind.objects.all()}


@transaction.atomic
def load_departments():
    anshan = region(ANSHAN)
    by_code = {k.code: k for k in DepartmentKind.objects.all()}
    existing = {(d.region_id, d.kind_id): d for d in Department.objects.filter(region__in=[anshan, *anshan.children.all()])}
    wanted = [(anshan, by_code[code], name) for code, name in CITY_DEPARTMENT_NAMES.items()]
    county_suffix = {"civil_affairs": "民政局", "health": "卫生健康局", "disabled_federation": "残疾人联合会"}
    for county in anshan.children.all():
        wanted += [(county, by_code[code], f"{county.name}{suffix}") for code, suffix in county_suffix.items()]
    # One insert for a fresh database; names an admin has changed are kept.
    Department.objects.bulk_create(
        Department(region=r, kind=k, name=name) for r, k, name in wanted if (r.pk, k.pk) not in existing
    )


@transaction.atomic
def load_joint_meeting():
    text = seeds.read_seed(seeds.ANSHAN_PLAN)
    seat, members = seeds.parse_joint_meeting(text)
    meeting_duties, office_duties, department_duties = seeds.parse_duties(text)
    meeting, _ = JointMeeting.objects.update_or_create(
        region=region(ANSHAN),
        defaults={"office_seat": seat, "meeting_duties": meeting_duties, "office_duties": office_duties},
    )
    meeting.members.all().delete()
    JointMeetingMember.objects.bulk_create(
        JointMeetingMember(
            meeting=meeting, role=m.role, name=m.name, organisation=m.organisation,
            position=m.position, sort_order=i,
        )
        for i, m in enumerate(members)
    )
    meeting.department_duties.all().delete()
    departments = {d.kind.code: d for d in Department.objects.filter(region=meeting.region).select_related("kind")}
    DepartmentDuty.objects.bulk_create(
        DepartmentDuty(meeting=meeting, department=departments[ORGANISATION_KINDS[org]], text=duty, sort_order=i)
        for i, (org, duty) in enumerate(department_duties)
    )
    return meeting


@transaction.atomic
def load_anshan_plan():
    plan, _ = ActionPlan.objects.update_or_create(
        region=region(ANSHAN), title="鞍山市“精康融合行动”方案(2023-2025)",
        defaults={"document_number": "征求意见稿", "start_year": 2023, "end_year": 2025},
    )
    by_short = kinds()
    seeds_by_number = {t.number: t for t in seeds.parse_tasks(seeds.read_seed(seeds.ANSHAN_PLAN))}
    existing = set(plan.tasks.values_list("number", flat=True))
    new_tasks = []
    for seed in seeds_by_number.values():
        if seed.number in existing:
            continue  # keep the status and edits staff have made
        deadline, ongoing = parse_deadline(seed.deadline_text)
        new_tasks.append(Task(
            plan=plan, number=seed.number, action_number=seed.action_number, action_title=seed.action_title,
            group_number=seed.group_number, group_title=seed.group_title, text=seed.text, scope=seed.scope,
            deadline_text=seed.deadline_text, deadline=deadline, is_ongoing=ongoing,
        ))
    # bulk_create skips Task.save(), so the deadline is parsed above.
    Task.objects.bulk_create(new_tasks)
    TaskResponsibility.objects.bulk_create(
        TaskResponsibility(task=task, kind=by_short[name], position=i)
        for task in new_tasks
        for i, name in enumerate(seeds_by_number[task.number].departments)
    )
    return plan


@transaction.atomic
def load_targets():
    regions = {r.code: r for r in Region.objects.filter(code__in=[t[0] for t in TARGETS])}
    for code, unit, source, years in TARGETS:
        for year, coverage, rate in years:
            Target.objects.update_or_create(
                region=regions[code], year=year,
                defaults={"coverage_unit": unit, "coverage_pct": coverage,
                          "standard_service_rate_pct": rate, "source": source},
            )


SAMPLE_KINDS = [
    # name pattern, owner, category, facility type
    ("{county}精神障碍社区康复服务站{n}{mark}", OwnerDepartment.CIVIL_AFFAIRS, InstitutionCategory.COMMUNITY_REHAB, FacilityType.STATION),
    ("{county}康复驿站{n}{mark}", OwnerDepartment.CIVIL_AFFAIRS, InstitutionCategory.COMMUNITY_REHAB, FacilityType.STATION),
    ("{county}社区卫生服务中心精神康复室{n}{mark}", OwnerDepartment.HEALTH, InstitutionCategory.PRIMARY_HEALTH, FacilityType.STATION),
    ("{county}残疾人康复服务中心{n}{mark}", OwnerDepartment.DISABLED_FEDERATION, InstitutionCategory.FEDERATION_REHAB, FacilityType.STATION),
]


def _sample_institutions(per_county):
    """The sample rows, the same on every run (a seeded generator)."""
    rng = random.Random(2023)
    anshan = region(ANSHAN)
    services = list(ServiceItem.objects.order_by("sort_order"))
    counties = list(anshan.children.order_by("code"))
    rows = [(Institution(
        county=counties[0], name=f"鞍山市精神障碍社区康复服务指导中心{SAMPLE_MARK}",
        address="鞍山市铁东区（示例地址）", owner_department=OwnerDepartment.CIVIL_AFFAIRS,
        category=InstitutionCategory.COMMUNITY_REHAB, facility_type=FacilityType.CENTRE,
        operation_mode=OperationMode.GOVERNMENT_PURCHASE, psychiatrists=2, therapists=3,
        counsellors=3, social_workers=6, other_staff=4, qualified_staff=10, clients_count=120,
        service_visits=3600, floor_area=800, opening_hours="周一至周五 8:30—17:00",
        contact_person="联系人（示例）", contact_phone="0412-0000000",
        public_phone="0412-0000000", supervision_phone="12345", is_published=True, is_sample=True,
        green_channel_hospital="鞍山市精神卫生中心（示例）", latitude="41.108500", longitude="122.994600",
        introduction="市本级精神障碍社区康复服务中心，承担评估转介、培训督导、服务示范职能（示例数据）。",
    ), rng.sample(services, k=7))]
    for county in counties:
        for n in range(1, per_county + 1):
            pattern, owner, category, facility = SAMPLE_KINDS[(n - 1) % len(SAMPLE_KINDS)]
            suffix = "" if n <= len(SAMPLE_KINDS) else str(n)
            staff = [rng.randint(0, 2), rng.randint(0, 3), rng.randint(0, 2), rng.randint(1, 5), rng.randint(0, 4)]
            clients = rng.randint(10, 80)
            rows.append((Institution(
                county=county, name=pattern.format(county=county.name, n=suffix, mark=SAMPLE_MARK),
                address=f"{anshan.name}{county.name}（示例地址）", owner_department=owner, category=category,
                facility_type=facility, operation_mode=rng.choice(list(OperationMode.values)),
                psychiatrists=staff[0], therapists=staff[1], counsellors=staff[2],
                social_workers=staff[3], other_staff=staff[4],
                qualified_staff=rng.randint(0, sum(staff)), clients_count=clients,
                service_visits=clients * rng.randint(8, 40), floor_area=rng.choice([120, 200, 260, 320, 450]),
                opening_hours="周一至周五 8:30—16:30", contact_person="联系人（示例）",
                contact_phone="0412-0000000", public_phone="0412-0000000", supervision_phone="12345",
                is_published=n != 3, is_sample=True,
            ), rng.sample(services, k=rng.randint(3, 7))))
    return rows


@transaction.atomic
def load_sample_institutions(per_county=4):
    """A few dozen invented institutions across Anshan's counties, marked （示例）.

    Only missing rows are created, so edits made in the admin survive a reload.
    """
    rows = _sample_institutions(per_county)
    existing = set(Institution.objects.filter(name__endswith=SAMPLE_MARK).values_list("county_id", "name"))
    new = [(inst, services) for inst, services in rows if (inst.county_id, inst.name) not in existing]
    Institution.objects.bulk_create(inst for inst, _ in new)
    Through = Institution.services.through
    Through.objects.bulk_create(
        Through(institution_id=inst.pk, serviceitem_id=item.pk) for inst, services in new for item in services
    )
    return [inst for inst, _ in rows]


SAMPLE_PERIODS = [(2023, "H2"), (2024, "H1"), (2024, "H2"), (2025, "H1"), (2025, "H2"), (2026, "H1"), (2026, "H2")]


def _sample_report(county, index, step, year, half, rng):
    registered = 200 + 37 * index
    offers_service = index < 4 + step
    share = min(0.95, 0.25 + 0.1 * step + rng.uniform(-0.05, 0.08))
    # A county without services has nobody in standard service.
    standard = int(registered * share) if offers_service else 0
    return CountyReport(county=county, year=year, half=half, offers_service=offers_service,
                        registered_clients=registered, standard_service_clients=standard)


@transaction.atomic
def load_sample_reports():
    """Half-yearly aggregates for Anshan's counties, rising towards the targets (示例).

    Only missing reports are created; an earlier demo's report of a county
    without services that still counted clients in standard service is
    corrected (a county marked 未开展服务 has no clients in standard service).
    """
    rng = random.Random(2024)
    counties = list(region(ANSHAN).children.order_by("code"))
    existing = set(CountyReport.objects.filter(county__in=counties).values_list("county_id", "year", "half"))
    reports = []
    for step, (year, half) in enumerate(SAMPLE_PERIODS):
        for i, county in enumerate(counties):
            report = _sample_report(county, i, step, year, half, rng)
            if (county.pk, year, half) not in existing:
                reports.append(report)
    CountyReport.objects.bulk_create(reports)
    CountyReport.objects.filter(county__in=counties, offers_service=False, standard_service_clients__gt=0).update(
        standard_service_clients=0)


SAMPLE_PROGRESS = [
    # task number, reporting region, date, note
    (1, ANSHAN, "2023-11-20", "市民政局已印发实施方案并召开动员部署会（示例）。"),
    (1, "210302", "2023-11-28", "铁东区实施方案已报市民政局（示例）。"),
    (2, "210302", "2023-12-26", "已完成辖区精康服务机构摸底调查，填报统计表（示例）。"),
    (26, ANSHAN, "2025-06-30", "监督电话与公众号留言渠道已开通（示例）。"),
]

# What a real office would publish three years in: the dated tasks done, the
# "取得阶段性成果，持续推进" tasks under way (their milestone is reached, so not
# overdue), and one honest exception still short of its target.
DONE_TASKS = {1, 2, 3, 5, 6, 13, 14, 16, 17, 21, 26}
LATE_TASKS = {20: ("2025-12-31", "专业人员中具有精神卫生、社会工作、心理健康相关专业学历的约占 24%，"
                                 "尚未达到 30% 的目标，正通过培训和招聘补充（示例）。")}
DONE_NOTE = "已按期完成，相关文件和工作台账已归档（示例）。"
ONGOING_NOTE = "已取得阶段性成果，持续推进中（示例）。"


@transaction.atomic
def load_sample_progress():
    """Statuses and progress notes on the city's 29 tasks, and a few by a county (示例).

    Only tasks still 未开始 get a status, and only missing notes are added, so
    whatever staff have recorded survives a reload.
    """
    plan = ActionPlan.objects.get(region__code=ANSHAN)
    tasks = {t.number: t for t in plan.tasks.all()}
    regions = {r.code: r for r in Region.objects.filter(code__in={code for _, code, _, _ in SAMPLE_PROGRESS})}
    wanted = [(tasks[number], regions[code], date, note) for number, code, date, note in SAMPLE_PROGRESS]
    for number, task in sorted(tasks.items()):
        if number in LATE_TASKS:
            date, note = LATE_TASKS[number]
            status = TaskStatus.IN_PROGRESS
        elif number in DONE_TASKS:
            date, note, status = str(task.deadline or "2025-12-31"), DONE_NOTE, TaskStatus.DONE
        else:
            date, note, status = str(task.deadline or "2025-12-31"), ONGOING_NOTE, TaskStatus.IN_PROGRESS
        wanted.append((task, regions[ANSHAN], date, note))
        if task.status == TaskStatus.NOT_STARTED:
            task.status = status
            task.save(update_fields=["status"])
    existing = set(TaskProgress.objects.filter(task__plan=plan).values_list("task_id", "region_id", "note"))
    TaskProgress.objects.bulk_create(
        TaskProgress(task=task, region=where, date=date, note=note)
        for task, where, date, note in wanted if (task.pk, where.pk, note) not in existing
    )


def load_all(stdout=None):
    def say(msg):
        if stdout is not None:
            stdout.write(msg)

    created, updated = load_regions()
    say(f"行政区划：新增 {created}，更新 {updated}")
    load_departments()
    load_joint_meeting()
    plan = load_anshan_plan()
    say(f"任务分工：{plan.tasks.count()} 项任务")
    load_targets()
    made = load_sample_institutions()
    say(f"示例机构：{len(made)} 家")
    load_sample_reports()
    load_sample_progress()
