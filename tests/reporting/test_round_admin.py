"""The 填报任务 menu: extending a deadline, deleting only an untouched round, task progress, a board in fixed queries."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.registry.models import Region, Task
from portal.reporting import rollup, service
from portal.reporting.models import Collect, ReportingRound, SubmissionSource

from .conftest import DEADLINE, HALF, YEAR, refused, submission_of

pytestmark = pytest.mark.django_db


def test_the_city_extends_the_deadline_but_cannot_move_the_round(as_user, city_round):
    city = as_user("anshan")
    url = f"/admin/reporting/reportinground/edit/{city_round.pk}/"
    assert city.get(url).status_code == 200
    response = city.post(url, {"title": city_round.title, "opens_on": str(city_round.opens_on),
                               "deadline": "2027-07-20", "note": "延期十天", "year": "2030", "region": "1"})
    assert response.status_code == 302
    city_round.refresh_from_db()
    assert str(city_round.deadline) == "2027-07-20" and city_round.note == "延期十天"
    assert city_round.year == YEAR and city_round.region.code == "210300"
    assert as_user("tiedong").get(url).status_code == 404  # not the county's round to edit


def test_a_round_can_be_deleted_only_until_someone_reports(as_user, city_round, staff):
    city = as_user("anshan")
    url = f"/admin/reporting/reportinground/delete/{city_round.pk}/"
    assert city.get(url).status_code == 200
    service.submit(submission_of(city_round, "210304"), None, SubmissionSource.REGISTRY,
                   figures={"offers_service": True, "townships_total": None, "townships_with_service": None,
                            "registered_clients": 280, "standard_service_clients": 200})
    assert refused(city.post(url))
    assert ReportingRound.objects.filter(pk=city_round.pk).exists()


def test_task_progress_is_frozen_and_rolled_up(staff, anshan):
    reporting_round = service.open_round(anshan, YEAR, HALF, DEADLINE, opens_on=DEADLINE.replace(year=2026, month=1),
                                         collects=[Collect.TASK_PROGRESS])
    submission = submission_of(reporting_round, "210302")
    service.submit(submission, staff["tiedong"], SubmissionSource.REGISTRY)
    assert submission.tasks.count() == Task.objects.filter(plan__region=anshan).count() == 29
    task = Task.objects.get(plan__region=anshan, number=20)
    task.status = "done"
    task.save()
    assert submission.tasks.get(number=20).status == "in_progress"  # frozen as reported
    service.approve(submission, staff["anshan"])
    book = openpyxl.load_workbook(io.BytesIO(rollup.workbook(reporting_round)[0]))
    assert book.sheetnames == ["进展汇总", "任务进展"]
    rows = list(book["任务进展"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == 29 and rows[0][0] == "铁东区"
    assert any(r[1] == 20 and r[4] == "是" for r in rows)  # task 20 was overdue when reported


def test_the_board_costs_the_same_queries_for_9_counties_and_14_cities(as_user, city_round):
    province_round = service.open_round(Region.objects.get(code="210000"), YEAR, HALF, DEADLINE, opens_on=city_round.opens_on)
    counts = []
    for name, reporting_round in (("anshan", city_round), ("liaoning", province_round)):
        client = as_user(name)
        client.get(f"/admin/reporting-cycle/rounds/{reporting_round.pk}/board/")  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/reporting-cycle/rounds/{reporting_round.pk}/board/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
