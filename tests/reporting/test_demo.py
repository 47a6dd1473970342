"""The demo's reporting cycle: every status on the boards, marked （示例）, consistent, idempotent."""

import pytest

from portal.audit.models import RegionLogEntry
from portal.registry.models import CountyReport, Task, TaskStatus
from portal.reporting.demo import load_rounds
from portal.reporting.models import ReportingRound, Submission, SubmissionStatus, SubmittedInstitution, SubmittedReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def current(reporting_demo):
    return ReportingRound.objects.get(region__code="210300", year=2026, half="H2")


def test_the_current_round_has_counties_in_every_status(current):
    statuses = dict(current.submissions.values_list("region__name", "status"))
    assert set(statuses.values()) == set(SubmissionStatus.values)
    assert statuses["铁东区"] == SubmissionStatus.RETURNED and statuses["千山区"] == SubmissionStatus.SUBMITTED
    returned = current.submissions.get(region__name="铁东区")
    assert returned.return_reason.endswith("（示例）。")
    assert returned.institutions.exclude(review_note="").get().review_note.endswith("（示例）")
    warned = current.submissions.get(region__name="千山区")
    assert warned.warnings and warned.warning_note.endswith("（示例）。")
    # The transitions went through the service: the audit log tells the story.
    assert list(RegionLogEntry.objects.filter(object_id=str(returned.pk), action__startswith="reporting.")
                .order_by("pk").values_list("action", flat=True)) == ["reporting.submit", "reporting.return"]


def test_every_round_is_marked_as_a_sample(reporting_demo):
    assert ReportingRound.objects.count() == 8
    assert all(title.endswith("（示例）") for title in ReportingRound.objects.values_list("title", flat=True))
    assert all(name.endswith("（示例）") for name in SubmittedInstitution.objects.values_list("name", flat=True))


def test_the_figures_are_consistent(reporting_demo):
    for model in (CountyReport, SubmittedReport):
        rows = model.objects.filter(county__parent__code="210300")
        assert rows.exists()
        assert not rows.filter(offers_service=False, standard_service_clients__gt=0).exists(), model
        assert all(r.standard_service_clients <= r.registered_clients for r in rows)
    # What was approved is what the registry holds for the same county and period.
    for report in SubmittedReport.objects.filter(submission__status=SubmissionStatus.APPROVED).select_related("submission__round"):
        live = CountyReport.objects.get(county=report.county, year=report.submission.round.year, half=report.submission.round.half)
        assert (live.registered_clients, live.standard_service_clients) == (report.registered_clients, report.standard_service_clients)


def test_the_demo_tasks_read_like_a_real_offices(reporting_demo):
    tasks = Task.objects.filter(plan__region__code="210300")
    assert tasks.count() == 29
    assert not tasks.filter(status=TaskStatus.NOT_STARTED).exists()
    assert tasks.overdue().count() == 1  # one task honestly short of its target
    assert all(t.progress_notes.exists() for t in tasks)


def test_loading_twice_changes_nothing(reporting_demo):
    counts = lambda: [m.objects.count() for m in (ReportingRound, Submission, SubmittedInstitution, SubmittedReport, RegionLogEntry)]  # noqa: E731
    first = counts()
    load_rounds()
    assert counts() == first
