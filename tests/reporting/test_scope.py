"""Region scope on every screen of the cycle: a county sees only its own
submissions, a city its counties' and its own, and the reviewer is the level above."""

import pytest

from portal.registry.models import Region
from portal.reporting import service
from portal.reporting.models import ReportingRound, SubmissionSource

from .conftest import DEADLINE, HALF, YEAR, refused, submission_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(city_round, staff):
    """鞍山's and 大连's rounds, and 辽宁's round for its cities."""
    dalian_round = service.open_round(Region.objects.get(code="210200"), YEAR, HALF, DEADLINE, opens_on=city_round.opens_on)
    province_round = service.open_round(Region.objects.get(code="210000"), YEAR, HALF, DEADLINE, opens_on=city_round.opens_on)
    service.submit(submission_of(city_round, "210304"), None, SubmissionSource.REGISTRY,
                   figures={"offers_service": True, "townships_total": None, "townships_with_service": None,
                            "registered_clients": 280, "standard_service_clients": 200})
    return city_round, dalian_round, province_round


def test_a_county_sees_only_its_own_submission(as_user, rounds):
    city_round, dalian_round, province_round = rounds
    county = as_user("tiedong")
    own, neighbour = submission_of(city_round, "210302"), submission_of(city_round, "210304")
    assert county.get(f"/admin/reporting-cycle/submissions/{own.pk}/").status_code == 200
    for url in (f"/admin/reporting-cycle/submissions/{neighbour.pk}/", f"/admin/reporting-cycle/submissions/{neighbour.pk}/workbook/",
                f"/admin/reporting-cycle/rounds/{dalian_round.pk}/", f"/admin/reporting-cycle/rounds/{province_round.pk}/board/"):
        assert county.get(url).status_code == 404, url
    # The round it reports to: its own submission, never the board of the others.
    assert county.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/")["Location"] == f"/admin/reporting-cycle/submissions/{own.pk}/"
    assert refused(county.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/board/"))
    assert refused(county.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/rollup.xlsx"))
    assert refused(county.post(f"/admin/reporting-cycle/rounds/{city_round.pk}/remind/"))
    # A county does not review, not even its own submission.
    assert refused(county.post(f"/admin/reporting-cycle/submissions/{own.pk}/review/", {"decision": "approve"}))
    assert county.post(f"/admin/reporting-cycle/submissions/{neighbour.pk}/review/", {"decision": "approve"}).status_code == 404
    assert submission_of(city_round, "210304").status == "submitted"


def test_the_round_list_shows_the_rounds_a_user_takes_part_in(as_user, rounds):
    city_round, dalian_round, province_round = rounds
    listed = lambda name: {r.pk for r in as_user(name).get("/admin/reporting/reportinground/").context["object_list"]}  # noqa: E731
    assert city_round.pk in listed("tiedong") and not {dalian_round.pk, province_round.pk} & listed("tiedong")
    assert {city_round.pk, province_round.pk} <= listed("anshan") and dalian_round.pk not in listed("anshan")
    assert {city_round.pk, dalian_round.pk, province_round.pk} <= listed("liaoning")
    html = as_user("tiedong").get("/admin/reporting/reportinground/").content.decode()
    assert "大连" not in html


def test_a_city_sees_its_counties_and_its_own_submission_only(as_user, rounds):
    city_round, dalian_round, province_round = rounds
    city = as_user("anshan")
    board = city.get(f"/admin/reporting-cycle/rounds/{city_round.pk}/board/")
    assert {r.submission.region.parent.code for r in board.context["rows"]} == {"210300"}
    assert city.get(f"/admin/reporting-cycle/rounds/{dalian_round.pk}/board/").status_code == 404
    assert city.get(f"/admin/reporting-cycle/submissions/{submission_of(dalian_round, '210202').pk}/").status_code == 404
    # In the province's round: its own submission, not another city's, and no board.
    assert city.get(f"/admin/reporting-cycle/submissions/{submission_of(province_round, '210300').pk}/").status_code == 200
    assert city.get(f"/admin/reporting-cycle/submissions/{submission_of(province_round, '210200').pk}/").status_code == 404
    assert refused(city.get(f"/admin/reporting-cycle/rounds/{province_round.pk}/board/"))


def test_the_reviewer_does_not_report_for_a_region_below(as_user, rounds):
    city_round, _, _ = rounds
    own = submission_of(city_round, "210302")
    response = as_user("anshan").post(f"/admin/reporting-cycle/submissions/{own.pk}/submit/", {"source": "registry"})
    assert refused(response)
    assert submission_of(city_round, "210302").status == "not_submitted"


def test_the_province_reviews_every_city(as_user, rounds):
    _, _, province_round = rounds
    board = as_user("liaoning").get(f"/admin/reporting-cycle/rounds/{province_round.pk}/board/")
    assert board.status_code == 200
    assert len(board.context["rows"]) == Region.objects.filter(parent__code="210000", level="city").count()


def test_no_other_countys_institutions_on_a_countys_screens(as_user, rounds):
    city_round, _, _ = rounds
    county = as_user("tiedong")
    lishan_names = list(submission_of(city_round, "210304").institutions.values_list("name", flat=True))
    assert lishan_names
    pages = [county.get("/admin/").content.decode(),
             county.get(f"/admin/reporting-cycle/submissions/{submission_of(city_round, '210302').pk}/").content.decode()]
    for html in pages:
        assert not [name for name in lishan_names if name in html]


def test_a_foreign_or_missing_round_answers_404_not_500(as_user, rounds):
    county = as_user("tiedong")
    missing = ReportingRound.objects.order_by("-pk").first().pk + 1000
    for url in (f"/admin/reporting-cycle/rounds/{missing}/", f"/admin/reporting-cycle/submissions/{missing}/",
                f"/admin/reporting/reportinground/edit/{missing}/"):
        assert county.get(url).status_code == 404, url
    assert county.get("/admin/reporting-cycle/rounds/abc/").status_code == 404


def test_a_bad_board_filter_is_a_400(as_user, rounds):
    city_round, _, _ = rounds
    response = as_user("anshan").get(f"/admin/reporting-cycle/rounds/{city_round.pk}/board/", {"status": "'; drop"})
    assert response.status_code == 400 and "筛选条件无效" in response.content.decode()
    response = as_user("anshan").get(f"/admin/reporting-cycle/rounds/{city_round.pk}/board/", {"status": "submitted"})
    assert [r.submission.region.code for r in response.context["rows"]] == ["210304"]
