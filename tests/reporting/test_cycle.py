"""The whole cycle over HTTP with a county, a city and a province account.

open → submit by upload and by confirmation → return with a reason → correct
and resubmit → approve (lock) → roll up → the city's submission to the
province from the roll-up → the province approves and rolls up its cities.
"""

import io

import openpyxl
import pytest

from portal.audit.models import RegionLogEntry
from portal.registry.models import CountyReport, ImportRecord, Institution, Region
from portal.reporting import service
from portal.reporting.models import (
    ReportingRound,
    Submission,
    SubmissionLocked,
    SubmissionSource,
    SubmissionStatus,
    SubmittedInstitution,
)
from tests.registry.spreadsheets.conftest import build_annex1, row

from .conftest import DEADLINE, HALF, YEAR, figures, refused, submission_of

pytestmark = pytest.mark.django_db

UPLOAD_ROWS = [row("周期测试康复驿站", clients=40, visits=800, seq=1),
               row("周期测试社区康复站", owner="卫健", category="基层卫生医疗机构", clients=25, visits=300, seq=2)]


def upload(client, submission, path):
    with open(path, "rb") as fh:
        return client.post(f"/admin/reporting-cycle/submissions/{submission.pk}/upload/", {"file": fh})


def submit(client, submission, source, extra=None, note=""):
    data = {"source": source, "warning_note": note, **(extra or {})}
    if source == SubmissionSource.UPLOAD:
        data["workbook_sha256"] = Submission.objects.get(pk=submission.pk).workbook_sha256
    return client.post(f"/admin/reporting-cycle/submissions/{submission.pk}/submit/", data)


def review(client, submission, decision, reason="", notes=None):
    data = {"decision": decision, "reason": reason, **{f"note-{pk}": n for pk, n in (notes or {}).items()}}
    return client.post(f"/admin/reporting-cycle/submissions/{submission.pk}/review/", data)


def column(sheet, header):
    """The 0-based index of a column of the Annex 1 sheet, by its header text (row 3 or 4)."""
    for row_number in (4, 3):
        headers = [c.value for c in sheet[row_number]]
        if header in headers:
            return headers.index(header)
    raise AssertionError(header)


def status_of(submission):
    return Submission.objects.get(pk=submission.pk).status


def test_the_city_opens_a_round_and_every_county_is_told(as_user, staff, anshan, mailoutbox):
    city = as_user("anshan")
    response = city.get("/admin/reporting/reportinground/create/")
    assert response.status_code == 200
    response = city.post("/admin/reporting/reportinground/create/", {
        "region": anshan.pk, "title": "", "year": "2027", "half": "H1", "collects_institutions": "on",
        "collects_county_report": "on", "opens_on": "2026-11-01", "deadline": "2027-07-10", "note": "请按时报送",
    })
    reporting_round = ReportingRound.objects.get(region=anshan, year=2027, half="H1")
    assert response.status_code == 302 and response["Location"] == f"/admin/reporting-cycle/rounds/{reporting_round.pk}/board/"
    assert reporting_round.title == "鞍山市2027年上半年精康服务机构及进展情况填报"
    assert reporting_round.submissions.count() == Region.objects.filter(parent=anshan).count()
    assert set(reporting_round.submissions.values_list("status", flat=True)) == {SubmissionStatus.NOT_SUBMITTED}
    # Only the counties whose admins have an address are told: 铁东区 and 立山区 here.
    assert sorted(m.to[0] for m in mailoutbox) == ["lishan@example.com", "tiedong@example.com"]
    assert "截止日期：2027年7月10日" in mailoutbox[0].body and "请按时报送" in mailoutbox[0].body
    assert RegionLogEntry.objects.filter(action="reporting.open", object_id=str(reporting_round.pk)).exists()
    # The same period twice is refused with a reason, not a 500.
    again = city.post("/admin/reporting/reportinground/create/", {
        "region": anshan.pk, "year": "2027", "half": "H1", "collects_institutions": "on",
        "opens_on": "2026-11-01", "deadline": "2027-07-10",
    })
    assert again.status_code == 200 and ReportingRound.objects.filter(region=anshan, year=2027).count() == 1


def test_a_county_cannot_open_a_round(as_user, anshan):
    county = as_user("tiedong")
    response = county.post("/admin/reporting/reportinground/create/", {
        "region": anshan.pk, "year": "2027", "half": "H1", "collects_institutions": "on",
        "opens_on": "2026-11-01", "deadline": "2027-07-10",
    })
    assert refused(response)
    assert not ReportingRound.objects.filter(year=2027).exists()


def test_the_whole_cycle(as_user, staff, city_round, anshan, mailoutbox, tmp_path):
    county, other, city = as_user("tiedong"), as_user("lishan"), as_user("anshan")
    tiedong = submission_of(city_round, "210302")
    lishan = submission_of(city_round, "210304")

    # The county's admin home says what is owed: this round, and the demo's returned 2026 下半年 one first.
    home = county.get("/admin/").content.decode()
    assert "您有 2 个待报送的填报任务，截止 12月10日" in home and city_round.title in home

    # 1. 铁东区 submits by upload: preview first (nothing written), then import and submit at once.
    before = Institution.objects.count()
    path = build_annex1(tmp_path / "铁东区附件1.xlsx", UPLOAD_ROWS)
    response = upload(county, tiedong, path)
    assert response.status_code == 200
    assert "新增 2 条" in response.content.decode()
    assert Institution.objects.count() == before
    response = submit(county, tiedong, SubmissionSource.UPLOAD, figures(registered=210, standard=150))
    assert response.status_code == 302, response.content.decode()[:2000]
    tiedong.refresh_from_db()
    assert tiedong.status == SubmissionStatus.SUBMITTED and tiedong.source == SubmissionSource.UPLOAD
    assert Institution.objects.count() == before + 2
    assert tiedong.import_record.status == ImportRecord.Status.APPLIED
    # The snapshot is exactly the file's rows, not the county's other institutions.
    assert sorted(tiedong.institutions.values_list("name", flat=True)) == ["周期测试康复驿站", "周期测试社区康复站"]
    assert tiedong.reports.get().registered_clients == 210
    assert CountyReport.objects.get(county__code="210302", year=YEAR, half=HALF).standard_service_clients == 150
    assert [m.to for m in mailoutbox] == [["anshan@example.com"]]
    assert "铁东区已报送" in mailoutbox[0].body
    mailoutbox.clear()

    # 2. 立山区 submits by confirming the institutions already in the registry.
    response = submit(other, lishan, SubmissionSource.REGISTRY, figures(registered=280, standard=240))
    assert response.status_code == 302
    lishan.refresh_from_db()
    assert lishan.status == SubmissionStatus.SUBMITTED and lishan.source == SubmissionSource.REGISTRY
    assert lishan.institutions.count() == Institution.objects.filter(county__code="210304").count() > 0
    assert [m.to for m in mailoutbox] == [["anshan@example.com"]]
    mailoutbox.clear()

    # A later edit of the registry does not change what was submitted.
    live = Institution.objects.get(name="周期测试康复驿站")
    live.clients_count = 999
    live.save()
    assert tiedong.institutions.get(name="周期测试康复驿站").clients_count == 40

    # 3. The city returns 铁东区 with a reason and a note on the wrong row.
    board = city.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/board/")
    assert board.status_code == 200
    assert "已报送（待审核）" in board.content.decode()
    wrong = tiedong.institutions.get(name="周期测试社区康复站")
    response = review(city, tiedong, "return", "社区康复站的服务人次偏低，请核实", {wrong.pk: "服务人次应不少于患者人数的 20 倍"})
    assert response.status_code == 302
    tiedong.refresh_from_db()
    assert tiedong.status == SubmissionStatus.RETURNED and tiedong.return_reason == "社区康复站的服务人次偏低，请核实"
    assert tiedong.institutions.get(pk=wrong.pk).review_note == "服务人次应不少于患者人数的 20 倍"
    assert [m.to for m in mailoutbox] == [["tiedong@example.com"]]
    assert "社区康复站的服务人次偏低" in mailoutbox[0].body and "服务人次应不少于" in mailoutbox[0].body
    mailoutbox.clear()
    page = county.get(f"/admin/reporting-cycle/submissions/{tiedong.pk}/").content.decode()
    assert "社区康复站的服务人次偏低，请核实" in page and "服务人次应不少于患者人数的 20 倍" in page
    assert "您有 2 个待报送的填报任务" in county.get("/admin/").content.decode()

    # 4. 铁东区 corrects the sheet and submits again.
    corrected = [UPLOAD_ROWS[0], row("周期测试社区康复站", owner="卫健", category="基层卫生医疗机构", clients=25, visits=600, seq=2)]
    assert upload(county, tiedong, build_annex1(tmp_path / "更正.xlsx", corrected)).status_code == 200
    response = submit(county, tiedong, SubmissionSource.UPLOAD, figures(registered=210, standard=150))
    assert response.status_code == 302
    tiedong.refresh_from_db()
    assert tiedong.status == SubmissionStatus.SUBMITTED
    assert tiedong.institutions.get(name="周期测试社区康复站").service_visits == 600
    assert tiedong.institutions.get(name="周期测试康复驿站").clients_count == 40  # the file's value again
    assert "重新报送" in mailoutbox[0].subject

    # 5. The city approves both: the snapshots are locked.
    assert review(city, tiedong, "approve").status_code == 302
    assert review(city, lishan, "approve").status_code == 302
    assert status_of(tiedong) == status_of(lishan) == SubmissionStatus.APPROVED
    actions = list(RegionLogEntry.objects.filter(object_id=str(tiedong.pk), action__startswith="reporting.")
                   .order_by("timestamp", "pk").values_list("action", flat=True))
    assert actions == ["reporting.submit", "reporting.return", "reporting.submit", "reporting.approve"]

    # Locked: not by the county, not by the city, not through the models.
    assert submit(county, tiedong, SubmissionSource.REGISTRY, figures()).status_code == 400
    assert upload(county, tiedong, path).status_code == 400
    response = review(city, tiedong, "return", "再改一下")
    assert response.status_code == 400 and "只有“已报送（待审核）”的报送可以退回" in response.content.decode()
    assert status_of(tiedong) == SubmissionStatus.APPROVED
    frozen = tiedong.institutions.first()
    frozen.clients_count = 1
    with pytest.raises(SubmissionLocked):
        frozen.save()
    with pytest.raises(SubmissionLocked):
        SubmittedInstitution.objects.filter(submission=tiedong).update(clients_count=1)
    with pytest.raises(SubmissionLocked):
        tiedong.reports.all().delete()
    assert tiedong.institutions.get(name="周期测试康复驿站").clients_count == 40

    # 6. The roll-up sums the approved rows, with a 小计 per county and a 合计.
    response = city.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/rollup.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["附件1"]
    values = [r for r in sheet.iter_rows(min_row=5, values_only=True)]
    labels = [r[0] for r in values]
    assert "铁东区小计" in labels and "立山区小计" in labels and "合计" in labels
    total = values[labels.index("合计")]
    approved_clients = sum(SubmittedInstitution.objects.filter(submission__in=[tiedong, lishan]).values_list("clients_count", flat=True))
    clients = column(sheet, "患者人数")
    assert total[clients] == approved_clients
    assert values[labels.index("铁东区小计")][clients] == 65


def test_the_province_round_rolls_up_the_citys_approved_counties(as_user, staff, city_round, anshan, mailoutbox):
    province, city = as_user("liaoning"), as_user("anshan")
    liaoning = Region.objects.get(code="210000")
    response = province.post("/admin/reporting/reportinground/create/", {
        "region": liaoning.pk, "year": str(YEAR), "half": HALF, "collects_institutions": "on",
        "collects_county_report": "on", "opens_on": "2026-11-01", "deadline": str(DEADLINE),
    })
    assert response.status_code == 302
    province_round = ReportingRound.objects.get(region=liaoning, year=YEAR, half=HALF)
    assert province_round.submissions.count() == Region.objects.filter(parent=liaoning, level="city").count()
    upward = submission_of(province_round, "210300")

    # Not before every county of the city is approved.
    response = submit(city, upward, SubmissionSource.ROLLUP)
    assert response.status_code == 400 and "尚未审核通过" in response.content.decode()
    for submission in city_round.submissions.select_related("region", "round"):
        service.submit(submission, None, SubmissionSource.REGISTRY,
                       figures={"offers_service": True, "townships_total": None, "townships_with_service": None,
                                "registered_clients": 300, "standard_service_clients": 200})
        service.approve(submission, staff["anshan"])
    page = city.get(f"/admin/reporting-cycle/submissions/{upward.pk}/").content.decode()
    assert "data-source-rollup" in page and "尚未审核通过" not in page

    # One action: the city's submission is its counties' approved data.
    response = submit(city, upward, SubmissionSource.ROLLUP)
    assert response.status_code == 302, response.content.decode()[:1500]
    upward.refresh_from_db()
    approved_rows = SubmittedInstitution.objects.filter(submission__round=city_round)
    assert upward.status == SubmissionStatus.SUBMITTED and upward.source == SubmissionSource.ROLLUP
    assert upward.institutions.count() == approved_rows.count()
    assert upward.reports.count() == city_round.submissions.count()
    assert sum(upward.reports.values_list("registered_clients", flat=True)) == 300 * city_round.submissions.count()

    # The province reviews; the city cannot review its own submission.
    assert refused(review(city, upward, "approve"))
    assert status_of(upward) == SubmissionStatus.SUBMITTED
    assert review(province, upward, "approve").status_code == 302
    assert status_of(upward) == SubmissionStatus.APPROVED

    # The province's roll-up: one 小计 per city, and the 合计.
    response = province.get(f"/admin/reporting-cycle/rounds/{province_round.pk}/rollup.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    labels = [r[0] for r in book["附件1"].iter_rows(min_row=5, values_only=True)]
    assert labels.count("鞍山市小计") == 1 and "合计" in labels
    data_rows = [r for r in book["附件1"].iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert len(data_rows) == approved_rows.count()
    assert data_rows[0][column(book["附件1"], "所在县(市、区)")].startswith("鞍山市")  # counties named with their city in a province roll-up
    summary = [r for r in book["进展汇总"].iter_rows(values_only=True)]
    assert any(r[0] == "鞍山市" and r[7] == 300 * city_round.submissions.count() for r in summary)
