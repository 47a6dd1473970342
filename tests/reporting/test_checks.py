"""Checks that help: errors stop a submission and change nothing, warnings go through with a note."""

import pytest

from portal.registry.models import CountyReport, Institution
from portal.reporting import rules, service
from portal.reporting.models import Submission, SubmissionSource, SubmissionStatus
from tests.registry.spreadsheets.conftest import build_annex1, row

from .conftest import HALF, YEAR, figures, submission_of

pytestmark = pytest.mark.django_db


def post_submit(client, submission, data):
    return client.post(f"/admin/reporting-cycle/submissions/{submission.pk}/submit/", data)


def test_more_clients_in_standard_service_than_registered_is_an_error(as_user, city_round):
    own = submission_of(city_round, "210302")
    response = post_submit(as_user("tiedong"), own, {"source": "registry", **figures(registered=100, standard=120)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "接受规范服务人数（120）超过登记康复对象人数（100）" in html
    assert 'value="120"' in html  # what was typed is kept on the page
    assert Submission.objects.get(pk=own.pk).status == SubmissionStatus.NOT_SUBMITTED
    assert not CountyReport.objects.filter(county__code="210302", year=YEAR, half=HALF).exists()
    assert not own.institutions.exists()


def test_a_county_without_services_has_nobody_in_standard_service(as_user, city_round):
    own = submission_of(city_round, "210302")
    response = post_submit(as_user("tiedong"), own, {"source": "registry", **figures(registered=100, standard=10, offers=False)})
    assert response.status_code == 400 and "填报为未开展服务，但接受规范服务人数为 10" in response.content.decode()


def test_an_error_in_the_figures_undoes_nothing_of_the_upload_because_nothing_was_imported(as_user, city_round, tmp_path):
    own = submission_of(city_round, "210302")
    client = as_user("tiedong")
    with open(build_annex1(tmp_path / "a.xlsx", [row("检查测试驿站")]), "rb") as fh:
        assert client.post(f"/admin/reporting-cycle/submissions/{own.pk}/upload/", {"file": fh}).status_code == 200
    sha = Submission.objects.get(pk=own.pk).workbook_sha256
    response = post_submit(client, own, {"source": "upload", "workbook_sha256": sha, **figures(registered=1, standard=2)})
    assert response.status_code == 400
    assert not Institution.objects.filter(name="检查测试驿站").exists()


def test_a_bad_workbook_is_refused_with_its_rows_and_nothing_is_written(as_user, city_round, tmp_path):
    own = submission_of(city_round, "210302")
    client = as_user("tiedong")
    bad = build_annex1(tmp_path / "bad.xlsx", [row("好的驿站"), row("坏的驿站", staff=(1, "两", 0, 0, 0))])
    with open(bad, "rb") as fh:
        response = client.post(f"/admin/reporting-cycle/submissions/{own.pk}/upload/", {"file": fh})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 6 行" in html and "康复治疗师" in html
    sha = Submission.objects.get(pk=own.pk).workbook_sha256
    response = post_submit(client, own, {"source": "upload", "workbook_sha256": sha, **figures()})
    assert response.status_code == 400 and "导入被拒绝" in response.content.decode()
    assert not Institution.objects.filter(name="好的驿站").exists()
    assert Submission.objects.get(pk=own.pk).status == SubmissionStatus.NOT_SUBMITTED


def test_a_file_that_is_not_a_workbook_is_a_clear_400(as_user, city_round, tmp_path):
    own = submission_of(city_round, "210302")
    fake = tmp_path / "附件1.xlsx"
    fake.write_bytes(b"not a workbook at all")
    with open(fake, "rb") as fh:
        response = as_user("tiedong").post(f"/admin/reporting-cycle/submissions/{own.pk}/upload/", {"file": fh})
    assert response.status_code == 400 and "data-upload-refused" in response.content.decode()


def test_a_replaced_upload_is_not_submitted_by_an_old_page(as_user, city_round, tmp_path):
    own = submission_of(city_round, "210302")
    client = as_user("tiedong")
    with open(build_annex1(tmp_path / "a.xlsx", [row("第一版驿站")]), "rb") as fh:
        client.post(f"/admin/reporting-cycle/submissions/{own.pk}/upload/", {"file": fh})
    old_sha = Submission.objects.get(pk=own.pk).workbook_sha256
    with open(build_annex1(tmp_path / "b.xlsx", [row("第二版驿站")]), "rb") as fh:
        client.post(f"/admin/reporting-cycle/submissions/{own.pk}/upload/", {"file": fh})
    response = post_submit(client, own, {"source": "upload", "workbook_sha256": old_sha, **figures()})
    assert response.status_code == 400 and "重新预览" in response.content.decode()
    assert not Institution.objects.filter(name__in=["第一版驿站", "第二版驿站"]).exists()


def test_a_large_change_since_the_last_approved_round_needs_a_note(as_user, staff, city_round):
    # The demo approved 立山区's 2026 下半年 figures (274 registered clients).
    own = submission_of(city_round, "210304")
    client = as_user("lishan")
    response = post_submit(client, own, {"source": "registry", **figures(registered=600, standard=400)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "登记康复对象人数由 274 变为 600，变化超过一半（与2026年下半年审核通过的数据相比）" in html
    assert Submission.objects.get(pk=own.pk).status == SubmissionStatus.NOT_SUBMITTED
    response = post_submit(client, own, {"source": "registry", "warning_note": "新增两个街道的登记对象",
                                         **figures(registered=600, standard=400)})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == SubmissionStatus.SUBMITTED and own.warning_note == "新增两个街道的登记对象"
    assert own.warnings and "变化超过一半" in own.warnings[0]
    page = as_user("anshan").get(f"/admin/reporting-cycle/submissions/{own.pk}/").content.decode()
    assert "新增两个街道的登记对象" in page and "变化超过一半" in page


def test_institutions_falling_to_zero_is_a_warning(staff, city_round):
    own = submission_of(city_round, "210304")
    Institution.objects.filter(county__code="210304").delete()
    with pytest.raises(service.NeedsNote) as refused:
        service.submit(own, staff["lishan"], SubmissionSource.REGISTRY,
                       figures={"offers_service": True, "townships_total": None, "townships_with_service": None,
                                "registered_clients": 274, "standard_service_clients": 200})
    messages = [str(f) for f in refused.value.findings]
    assert any("精康服务机构由 4 家降为 0 家" in m for m in messages)
    assert any("已开展服务，但没有报送任何精康服务机构" in m for m in messages)


def test_the_rules_on_their_own():
    class Figures:
        offers_service, townships_total, townships_with_service = True, 10, 11
        registered_clients, standard_service_clients = 5, 5

    found = rules.check_report(Figures(), "铁东区")
    assert [f.message for f in found] == ["已开展服务的街道（乡镇）数（11）超过总数（10）"]
    assert str(found[0]).startswith("铁东区：") and found[0].is_error
    previous = rules.Figures(institutions=3, clients=100, registered=100, counties_with_institutions=frozenset())
    warned = rules.check_submission("铁东区", [], [], {}, True, False, previous=previous)
    assert {f.level for f in warned} == {rules.WARNING} and len(warned) == 2  # fell to zero, clients −100 %
