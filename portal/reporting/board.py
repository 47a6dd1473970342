"""The figures of a round, side by side: the reviewer's board, ``reporting_round status``
and the roll-up's summary sheet all read them from here.

Each submission's snapshot is summed in two grouped queries (institutions,
progress figures) whatever the number of regions.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import SubmissionStatus, SubmittedInstitution, SubmittedReport

HUNDRED = Decimal(100)


def share(part, whole):
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Totals:
    """Sums over snapshot rows: one submission, one group of the roll-up, or all of them."""

    institutions: int = 0
    clients: int = 0
    visits: int = 0
    counties: int = 0
    counties_with_service: int = 0
    townships_total: int = 0
    townships_with_service: int = 0
    registered: int = 0
    standard: int = 0
    has_reports: bool = False

    def add(self, other):
        for name in ("institutions", "clients", "visits", "counties", "counties_with_service", "townships_total",
                     "townships_with_service", "registered", "standard"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.has_reports = self.has_reports or other.has_reports
        return self

    @property
    def coverage(self):
        return share(self.counties_with_service, self.counties)

    @property
    def township_coverage(self):
        return share(self.townships_with_service, self.townships_total)

    @property
    def rate(self):
        return share(self.standard, self.registered)


@dataclass
class BoardRow:
    submission: object
    totals: Totals
    days_left: int
    overdue: bool

    @property
    def status(self):
        return self.submission.status


def totals_by_submission(submissions):
    """{submission id: Totals} for the given submissions' snapshots."""
    ids = [s.pk for s in submissions]
    totals = {pk: Totals() for pk in ids}
    for row in (SubmittedInstitution.objects.filter(submission_id__in=ids).values("submission_id")
                .annotate(n=Count("id"), clients=Sum("clients_count"), visits=Sum("service_visits"))):
        t = totals[row["submission_id"]]
        t.institutions, t.clients, t.visits = row["n"], row["clients"] or 0, row["visits"] or 0
    for row in (SubmittedReport.objects.filter(submission_id__in=ids).values("submission_id")
                .annotate(n=Count("id"), offering=Count("id", filter=Q(offers_service=True)),
                          townships=Sum("townships_total"), townships_with=Sum("townships_with_service"),
                          registered=Sum("registered_clients"), standard=Sum("standard_service_clients"))):
        t = totals[row["submission_id"]]
        t.counties, t.counties_with_service = row["n"], row["offering"]
        t.townships_total, t.townships_with_service = row["townships"] or 0, row["townships_with"] or 0
        t.registered, t.standard = row["registered"] or 0, row["standard"] or 0
        t.has_reports = True
    return totals


def board(reporting_round, submissions=None, today=None):
    """(rows, summary): one BoardRow per submission in region order, and the approved totals."""
    today = today or timezone.localdate()
    if submissions is None:
        submissions = reporting_round.submissions.all()
    submissions = list(submissions.select_related("region", "submitted_by", "reviewed_by").defer("workbook"))
    totals = totals_by_submission(submissions)
    days_left = reporting_round.days_left(today)
    rows = [BoardRow(s, totals[s.pk], days_left, s.is_overdue_on(today)) for s in submissions]
    approved = Totals()
    for row in rows:
        if row.status == SubmissionStatus.APPROVED:
            approved.add(row.totals)
    return rows, approved


def status_counts(reporting_round):
    counts = dict(reporting_round.submissions.values_list("status").annotate(n=Count("id")))
    return [(status, label, counts.get(status, 0)) for status, label in SubmissionStatus.choices]
