import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.registry.models import (
    ActionPlan,
    CountyReport,
    DepartmentKind,
    Institution,
    InstitutionCategory,
    OwnerDepartment,
    Region,
    RegionLevel,
    Task,
    TaskStatus,
    parse_deadline,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023年11月", (datetime.date(2023, 11, 30), False)),
        ("2024年12月底前", (datetime.date(2024, 12, 31), False)),
        ("2024年2月", (datetime.date(2024, 2, 29), False)),
        ("2025年12月取得阶段性成果，持续推进", (datetime.date(2025, 12, 31), True)),
        ("2025 年 6 月 15 日", (datetime.date(2025, 6, 15), False)),
        ("长期坚持", (None, False)),
        ("", (None, False)),
        ("2025年13月", (None, False)),
    ],
)
def test_parse_deadline(text, expected):
    assert parse_deadline(text) == expected


def make_task(regions, **kwargs):
    plan = ActionPlan.objects.create(region=regions["210300"], title="方案", start_year=2023, end_year=2025)
    values = dict(action_number=1, action_title="行动", group_number=1, group_title="组", number=1, text="任务")
    values.update(kwargs)
    return Task.objects.create(plan=plan, **values)


def test_task_derives_deadline_and_ongoing_from_text(regions):
    task = make_task(regions, deadline_text="2025年12月取得阶段性成果，持续推进")
    assert task.deadline == datetime.date(2025, 12, 31)
    assert task.is_ongoing is True


@pytest.mark.parametrize(
    "deadline_text, status, overdue",
    [
        ("2023年11月", TaskStatus.NOT_STARTED, True),
        ("2023年11月", TaskStatus.IN_PROGRESS, True),
        ("2023年11月", TaskStatus.DONE, False),
        ("2030年11月", TaskStatus.NOT_STARTED, False),
        # An ongoing task past its milestone is overdue only if it never started.
        ("2025年12月取得阶段性成果，持续推进", TaskStatus.NOT_STARTED, True),
        ("2025年12月取得阶段性成果，持续推进", TaskStatus.IN_PROGRESS, False),
    ],
)
def test_task_overdue_rule_in_python_and_sql_agree(regions, deadline_text, status, overdue):
    task = make_task(regions, deadline_text=deadline_text, status=status)
    today = datetime.date(2026, 11, 23)
    assert task.is_overdue_on(today) is overdue
    assert Task.objects.overdue(today).filter(pk=task.pk).exists() is overdue


def test_task_is_not_overdue_on_its_deadline_day(regions):
    task = make_task(regions, deadline_text="2023年11月")
    assert not task.is_overdue_on(datetime.date(2023, 11, 30))
    assert task.is_overdue_on(datetime.date(2023, 12, 1))


def test_task_departments_keep_order_and_first_leads(regions):
    task = make_task(regions, scope="各级")
    kinds = {k.short_name: k for k in DepartmentKind.objects.all()}
    task.set_departments([kinds["卫健"], kinds["民政"], kinds["残联"]])
    assert task.lead_kind.short_name == "卫健"
    assert task.departments_text == "各级卫健、民政、残联"
    assert list(Task.objects.led_by(kinds["卫健"])) == [task]
    assert not Task.objects.led_by(kinds["民政"]).exists()


def make_institution(county, **kwargs):
    values = dict(
        name="测试康复站", county=county, owner_department=OwnerDepartment.CIVIL_AFFAIRS,
        category=InstitutionCategory.COMMUNITY_REHAB,
    )
    values.update(kwargs)
    return Institution(**values)


def test_institution_total_staff_and_qualified_share(regions):
    inst = make_institution(
        regions["210302"], psychiatrists=1, therapists=2, counsellors=1, social_workers=4, other_staff=2,
        qualified_staff=3,
    )
    assert inst.total_staff == 10
    assert inst.qualified_share == Decimal("0.3")
    assert inst.meets_qualified_share_target
    inst.qualified_staff = 2
    assert not inst.meets_qualified_share_target


def test_institution_without_staff_has_no_share(regions):
    assert make_institution(regions["210302"]).qualified_share is None


def test_institution_name_is_unique_within_its_county_only(regions):
    make_institution(regions["210302"]).save()
    make_institution(regions["210303"]).save()  # same name, other county: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_institution(regions["210302"]).save()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"county_code": "210300"}, "county"),  # a city is not a county
        ({"qualified_staff": 5, "social_workers": 2}, "qualified_staff"),
        ({"latitude": Decimal("41.1")}, "longitude"),
    ],
)
def test_institution_validation(regions, kwargs, field):
    county = regions[kwargs.pop("county_code", "210302")]
    inst = make_institution(county, **kwargs)
    with pytest.raises(ValidationError) as excinfo:
        inst.full_clean()
    assert field in excinfo.value.message_dict


def test_region_path_and_subtree(regions):
    tiedong = regions["210302"]
    assert tiedong.path == "210000/210300/210302/"
    assert tiedong.full_name == "辽宁省鞍山市铁东区"
    assert tiedong.is_within(regions["210300"])
    assert not tiedong.is_within(regions["220000"])
    anshan_subtree = set(Region.objects.within(regions["210300"]).values_list("code", flat=True))
    assert {"210300", "210302", "210371", "210381"} <= anshan_subtree
    assert "210100" not in anshan_subtree


def test_moving_a_region_rewrites_the_subtree_paths(regions):
    zone = regions["210371"]
    township = Region.objects.create(code="210371001", name="示例街道", level=RegionLevel.TOWNSHIP, parent=zone)
    zone.parent = regions["210100"]
    zone.save()
    township.refresh_from_db()
    assert township.path == "210000/210100/210371/210371001/"


def test_region_level_must_be_below_parent(regions):
    bad = Region(code="210399", name="错误", level=RegionLevel.CITY, parent=regions["210300"])
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_county_report_rate_and_validation(regions):
    report = CountyReport(county=regions["210302"], year=2024, half="H1", registered_clients=200,
                          standard_service_clients=90)
    assert report.standard_service_rate == 0.45
    report.standard_service_clients = 201
    with pytest.raises(ValidationError):
        report.full_clean()


def test_a_region_model_without_the_scoped_queryset_fails_the_system_check():
    from django.db import models
    from django.test.utils import isolate_apps

    from portal.registry.checks import region_models_use_the_scoped_queryset

    with isolate_apps("portal.registry"):
        class Careless(models.Model):
            region = models.ForeignKey("registry.Region", on_delete=models.CASCADE)
            region_lookup = "region"

            class Meta:
                app_label = "registry"

        errors = region_models_use_the_scoped_queryset(models=[Careless])
        assert [e.id for e in errors] == ["registry.E001"]
    assert not region_models_use_the_scoped_queryset()
