"""A city's plan is carried out in its counties: they read its tasks and report their own progress."""

import pytest
from django.core.exceptions import ValidationError

from portal.registry import access
from portal.registry.models import ActionPlan, Region, Task, TaskProgress

TIEDONG, TIEXI, ANSHAN = "210302", "210303", "210300"


def url(model, action, pk=None):
    base = f"/admin/registry/{model}/"
    return f"{base}{action}/{pk}/" if pk is not None else (base if action == "index" else f"{base}{action}/")


@pytest.fixture
def city_task(demo_data):
    return ActionPlan.objects.get(region__code=ANSHAN).tasks.get(number=5)


def test_ancestor_paths():
    assert access.ancestor_paths(["210000/210300/210302/"]) == {"210000/", "210000/210300/"}
    assert access.ancestor_paths(["210000/"]) == set()


def test_county_admin_reads_the_city_task_table(client, county_admin, city_task):
    client.force_login(county_admin)
    listed = client.get(url("task", "index")).context["object_list"]
    assert city_task.pk in {t.pk for t in listed}
    assert client.get(url("task", "inspect", city_task.pk)).status_code == 200


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_county_admin_cannot_change_the_city_task(client, county_admin, city_task, action):
    client.force_login(county_admin)
    assert client.get(url("task", action, city_task.pk)).status_code == 404
    before = city_task.status
    client.post(url("task", action, city_task.pk), {"status": "not_started" if before != "not_started" else "done"})
    city_task.refresh_from_db()
    assert city_task.status == before


def test_a_plan_of_another_county_stays_invisible(client, county_admin, demo_data):
    other = ActionPlan.objects.create(region=Region.objects.get(code=TIEXI), title="铁西区方案", start_year=2023, end_year=2025)
    client.force_login(county_admin)
    assert client.get(url("actionplan", "inspect", other.pk)).status_code == 404
    assert other.pk not in {p.pk for p in client.get(url("actionplan", "index")).context["object_list"]}


def test_county_admin_reports_progress_on_the_city_task(client, county_admin, city_task):
    client.force_login(county_admin)
    form = client.get(url("taskprogress", "create")).context["form"]
    assert city_task in form.fields["task"].queryset
    assert list(form.fields["region"].queryset.values_list("code", flat=True)) == [TIEDONG]
    response = client.post(url("taskprogress", "create"), {
        "task": city_task.pk, "region": Region.objects.get(code=TIEDONG).pk, "date": "2024-06-30", "note": "已对接技术指导点",
    })
    assert response.status_code == 302
    note = TaskProgress.objects.get(note="已对接技术指导点")
    assert (note.region.code, note.author) == (TIEDONG, county_admin)


def test_progress_cannot_be_filed_for_another_county(client, county_admin, city_task):
    client.force_login(county_admin)
    response = client.post(url("taskprogress", "create"), {
        "task": city_task.pk, "region": Region.objects.get(code=TIEXI).pk, "date": "2024-06-30", "note": "伪造",
    })
    assert "region" in response.context["form"].errors
    assert not TaskProgress.objects.filter(note="伪造").exists()


def test_city_admin_reads_every_county_progress(client, city_admin, city_task):
    note = TaskProgress.objects.create(task=city_task, region=Region.objects.get(code=TIEXI), note="铁西区进展")
    client.force_login(city_admin)
    assert note.pk in {n.pk for n in client.get(url("taskprogress", "index")).context["object_list"]}


def test_progress_region_must_lie_under_the_plan(city_task):
    note = TaskProgress(task=city_task, region=Region.objects.get(code="210102"), note="沈阳")
    with pytest.raises(ValidationError) as excinfo:
        note.full_clean()
    assert "region" in excinfo.value.message_dict


def test_demo_has_progress_from_the_city_and_a_county(demo_data):
    codes = set(TaskProgress.objects.values_list("region__code", flat=True))
    assert {ANSHAN, TIEDONG} <= codes
    assert Task.objects.get(plan__region__code=ANSHAN, number=1).status == "done"
