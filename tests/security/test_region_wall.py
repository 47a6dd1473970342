"""The region wall, generated: every admin and API URL, every record of another region.

For every model that belongs to a region (every model with ``region_lookup``,
pages included) one record is made in 海城市 — outside the scope of every
probing user — with the primary key ``FOREIGN_PK`` in every table and the text
``MARKER`` in what it shows. Then every URL pattern under ``/admin/`` and
``/api/`` (found by walking the URL resolver, so a view added tomorrow is
probed tomorrow) is requested with that key, as a county admin of 铁东区, as
the city admin of 大连 and as a staff user with no region at all:

- a URL that names an object answers 403 or 404 (or Wagtail's redirect to the
  dashboard), on GET and on POST, and the foreign records are unchanged;
- no response, listings and searches included, contains the marker;
- every ModelAdmin listing refuses a query parameter that follows a relation.

A URL parameter this test does not know how to fill fails the test: teach
``fill`` the new parameter rather than skipping the URL.
"""

import datetime
import inspect
import itertools
import re

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from portal.pages.models import CaseIndexPage, CasePage
from portal.registry import access
from portal.registry.admin_base import NationwideModelAdmin, PortalModelAdmin, RegionScopedModelAdmin
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS
from portal.registry.models import (
    ActionPlan, CountyReport, Department, DepartmentDuty, DepartmentKind, ImportRecord, Institution,
    JointMeeting, JointMeetingMember, Region, RegionAssignment, Target, Task, TaskProgress,
)
from portal.prices.models import PriceItem, PriceVersion
from portal.reporting.models import ReportingRound, Submission, SubmittedInstitution, SubmittedReport, SubmittedTask
from portal.supervision.models import Hotline, MessageCallback, MessageRating, SupervisionMessage

pytestmark = pytest.mark.django_db

FOREIGN_PK = 900001
MARKER = "WALLMARK"
# What the probes search for: in every foreign record, but not the marker itself
# (a search box echoes its query).
SEARCH = "墙外"
FOREIGN_COUNTY = "210381"  # 海城市, 鞍山市: outside 铁东区 and outside 大连市
CLIENTS_MARKER = "918273"  # CountyReport has no text: its client count is its marker
PHONE_MARKER = "13911112222"

NAMED = f"{MARKER}{SEARCH}"


def make_foreign_records(case_index, submitter):
    """One record of every region-bearing model, all with pk FOREIGN_PK, in 海城市."""
    county = Region.objects.get(code=FOREIGN_COUNTY)
    township = Region.objects.create(pk=FOREIGN_PK, code="210381900", name=f"{NAMED}镇", level="township", parent=county)
    kind = DepartmentKind.objects.get(code="civil_affairs")
    department = Department.objects.create(pk=FOREIGN_PK, region=township, kind=kind, name=f"{NAMED}民政办")
    institution = Institution.objects.create(
        pk=FOREIGN_PK, county=county, name=f"{NAMED}康复驿站", address=f"{NAMED}路1号",
        owner_department="civil_affairs", category="community_rehab",
        contact_person=f"{NAMED}联系人", contact_phone=PHONE_MARKER, is_published=False,
    )
    meeting = JointMeeting.objects.create(pk=FOREIGN_PK, region=township, name=f"{NAMED}联席会议", office_seat=NAMED)
    plan = ActionPlan.objects.create(pk=FOREIGN_PK, region=county, title=f"{NAMED}实施方案", start_year=2023, end_year=2025)
    task = Task.objects.create(pk=FOREIGN_PK, plan=plan, action_number=1, action_title=NAMED, group_number=1,
                               group_title=NAMED, number=1, text=f"{NAMED}任务", deadline_text="2023年11月")
    item = PriceItem.objects.create(pk=FOREIGN_PK, institution=institution, name=f"{NAMED}项目", unit="次")
    other_user = type(submitter).objects.create_user(username=f"{MARKER.lower()}-haicheng", password="x" * 12, is_staff=True)
    reporting_round = ReportingRound.objects.create(pk=FOREIGN_PK, region=county, title=f"{NAMED}填报任务", year=2031,
                                                    half="H1", deadline="2031-07-10", note=f"{NAMED}说明")
    submission = Submission.objects.create(pk=FOREIGN_PK, round=reporting_round, region=county, status="submitted",
                                           return_reason=f"{NAMED}理由", warning_note=f"{NAMED}说明",
                                           workbook=b"PK", workbook_name=f"{NAMED}.xlsx")
    records = {
        ReportingRound: reporting_round,
        Submission: submission,
        SubmittedInstitution: SubmittedInstitution.objects.create(
            pk=FOREIGN_PK, submission=submission, county=county, name=f"{NAMED}康复驿站", owner_department="civil_affairs",
            category="community_rehab", contact_person=f"{NAMED}联系人", contact_phone=PHONE_MARKER),
        SubmittedReport: SubmittedReport.objects.create(pk=FOREIGN_PK, submission=submission, county=county,
                                                        registered_clients=int(CLIENTS_MARKER), standard_service_clients=1),
        SubmittedTask: SubmittedTask.objects.create(pk=FOREIGN_PK, submission=submission, number=1, text=f"{NAMED}任务",
                                                    status="not_started", progress_note=f"{NAMED}进展"),
        Region: township,
        RegionAssignment: RegionAssignment.objects.create(pk=FOREIGN_PK, user=other_user, region=county),
        Department: department,
        Institution: institution,
        JointMeeting: meeting,
        JointMeetingMember: JointMeetingMember.objects.create(
            pk=FOREIGN_PK, meeting=meeting, role="member", name=f"{NAMED}成员", organisation=NAMED, phone=PHONE_MARKER),
        DepartmentDuty: DepartmentDuty.objects.create(pk=FOREIGN_PK, meeting=meeting, department=department, text=f"{NAMED}职责"),
        ActionPlan: plan,
        Task: task,
        TaskProgress: TaskProgress.objects.create(pk=FOREIGN_PK, task=task, region=county, note=f"{NAMED}进展"),
        Target: Target.objects.create(pk=FOREIGN_PK, region=township, year=2030, coverage_pct=50,
                                      standard_service_rate_pct=30, source=f"{NAMED}依据"),
        CountyReport: CountyReport.objects.create(pk=FOREIGN_PK, county=county, year=2031, half="H1",
                                                  registered_clients=int(CLIENTS_MARKER), standard_service_clients=1),
        ImportRecord: ImportRecord.objects.create(pk=FOREIGN_PK, kind="institutions", region=county, user=other_user,
                                                  file_name=f"{NAMED}.xlsx", error_report=NAMED, status="refused"),
        Hotline: Hotline.objects.create(pk=FOREIGN_PK, region=county, name=f"{NAMED}监督电话", number="0412-5559999"),
        # Reopened after a 不满意 rating and overdue, so the 网站自查 report and digest
        # would list it to anyone in its scope.
        SupervisionMessage: (message := SupervisionMessage.objects.create(
            pk=FOREIGN_PK, region=county, concerns=f"{NAMED}反映对象", content=f"{NAMED}反映内容",
            contact_name=f"{NAMED}留言人", contact_phone=PHONE_MARKER, status="reopened", reply=f"{NAMED}答复",
            received_at=timezone.now() - datetime.timedelta(days=60))),
        MessageRating: MessageRating.objects.create(
            pk=FOREIGN_PK, message=message, rating="dissatisfied", comment=f"{NAMED}评价意见"),
        MessageCallback: MessageCallback.objects.create(
            pk=FOREIGN_PK, message=message, result=f"{NAMED}回访情况", recorded_by=other_user),
        PriceItem: item,
        PriceVersion: PriceVersion.objects.create(pk=FOREIGN_PK, item=item, price=10, pricing_form="market",
                                                  effective_date="2026-01-01", note=f"{NAMED}调价"),
    }
    case = case_index.add_child(instance=CasePage(
        pk=FOREIGN_PK, title=f"{NAMED}案例", slug="wall-case", region=county, theme=NAMED, summary=f"{NAMED}摘要",
        consent_confirmed=True, anonymised_confirmed=True, live=False, owner=other_user,
    ))
    revision = case.save_revision(user=other_user)
    workflow_state = case_index.get_workflow().start(case, other_user)
    records[CasePage] = case
    log(instance=institution, action="wagtail.edit", user=other_user,
        data={"changes": [{"field": "name", "label": "机构全称", "old": NAMED, "new": NAMED}]})
    return records, {
        "revision_id": revision.pk,
        "workflow_state_id": workflow_state.pk,
        "task_state_id": workflow_state.current_task_state.pk,
    }


def fingerprint(records):
    """Everything the foreign records hold, to prove that no probe changed them."""
    out = {}
    for model, obj in records.items():
        fresh = model._default_manager.filter(pk=obj.pk).first()
        out[model.__name__] = None if fresh is None else repr(sorted(model_to_dict(fresh).items()))
    case = CasePage.objects.filter(pk=FOREIGN_PK).first()
    out["case-state"] = case and (case.live, case.locked, case.latest_revision_id, case.get_parent().pk)
    return out


def walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")

# Parameters that name an object.
ID_PARAMS = {
    "pk", "id", "instance_pk", "page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk",
    "object_id", "collection_id", "task_id", "workflow_pk", "doc_id", "document_id", "image_id",
    "redirect_id", "uploaded_file_id", "institution_id",
}
NEVER_PROBED = {
    "wagtailadmin_logout",  # would end the probing session
    "wagtailadmin_error_test",  # /admin/failwhale/ fails on purpose
}


def fill(name, ids):
    """The values to try for one URL parameter."""
    if name in ids:
        return [ids[name]]
    if name in ID_PARAMS or name == "session_id":
        return [FOREIGN_PK]
    if name == "revision_id_a":
        return [ids["revision_id"]]
    if name == "revision_id_b":
        return ["latest"]
    if name in ("app_label", "content_type_app_name", "app_name"):
        return ["<app>"]
    if name in ("model_name", "content_type_model_name"):
        return ["<model>"]
    if name == "filter_spec":
        return ["original"]
    if name in ("uidb64", "token"):
        return ["x"]
    if name == "kind":
        from portal.registry.spreadsheets.layout import all_layouts

        return sorted(all_layouts())
    if name in ("action", "action_name"):
        return ["approve", "reject", "delete", "publish", "unpublish", "move", "copy", "lock"]
    raise AssertionError(f"test_region_wall: teach fill() the URL parameter <{name}>")


def probe_urls(ids, models):
    """(url, names an object) for every admin and API URL pattern."""
    urls = []
    for pattern, entry in walk(get_resolver()):
        route = pattern.replace("^", "").replace("$", "").replace("\\.", ".")
        if not route.startswith(("admin/", "api/")) or entry.name in NEVER_PROBED:
            continue
        params = [m.group("name") or m.group("rname") for m in PARAM.finditer(route)]
        if not params:
            urls.append(("/" + route, False))
            continue
        choices = [fill(p, ids) for p in params]
        combos = set()
        for values in itertools.product(*choices):
            for app_label, model_name in (models if "<app>" in values else [(None, None)]):
                concrete = route
                for value in values:
                    value = {"<app>": app_label, "<model>": model_name}.get(value, value)
                    concrete = PARAM.sub(str(value), concrete, count=1)
                combos.add("/" + concrete)
        names_object = any(p in ID_PARAMS or p in ids for p in params)
        urls.extend((u, names_object) for u in sorted(combos))
    return urls


def leaks(response):
    body = response.content.decode("utf-8", "replace") if hasattr(response, "content") else ""
    return [m for m in (MARKER, PHONE_MARKER, CLIENTS_MARKER) if m in body]


def refused(response):
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code == 302:
        # Wagtail answers "permission denied" by sending the user to the dashboard.
        return response["Location"].split("?")[0] in ("/admin/", "/admin/login/")
    return False


@pytest.fixture
def wall(site_demo, make_staff):
    users = {
        "county": make_staff("wall-tiedong", COUNTY_ADMINS, "210302"),
        "other-city": make_staff("wall-dalian", CITY_ADMINS, "210200"),
        "no-region": make_staff("wall-nobody", COUNTY_ADMINS),
    }
    submitter = make_staff("wall-haicheng", COUNTY_ADMINS, FOREIGN_COUNTY)
    case_index = CaseIndexPage.objects.get()
    records, ids = make_foreign_records(case_index, submitter)
    return users, records, ids, case_index


@pytest.fixture
def foreign_models():
    return sorted((m for m in apps.get_models() if getattr(m, "region_lookup", None)), key=lambda m: m._meta.label)


def test_every_region_model_has_a_foreign_record(wall, foreign_models):
    _, records, _, _ = wall
    missing = [m.__name__ for m in foreign_models if m not in records]
    assert not missing, f"make_foreign_records() has no record of {missing}: add one"
    for model in foreign_models:
        obj = records[model]
        assert obj.pk == FOREIGN_PK
        assert access.region_of(obj).path.startswith(Region.objects.get(code=FOREIGN_COUNTY).path)


@pytest.mark.parametrize("who", ["county", "other-city", "no-region"])
def test_no_admin_or_api_url_reaches_another_regions_records(client, wall, who):
    users, records, ids, case_index = wall
    client.force_login(users[who])
    models = [(m._meta.app_label, m._meta.model_name) for m in records] + [("wagtailcore", "page")]
    before = fingerprint(records)
    failures = []
    home = Page.objects.get(depth=2).pk
    for url, names_object in probe_urls(ids, models):
        query = f"?q={SEARCH}&id={FOREIGN_PK}"
        response = client.get(url + query)
        if leaks(response):
            failures.append(f"GET {url}{query} → {response.status_code} shows {leaks(response)}")
        if names_object:
            if not refused(response):
                failures.append(f"GET {url} → {response.status_code}, expected 403/404")
            response = client.post(url, {"id": FOREIGN_PK, "title": "改", "slug": "gai", "name": "改"})
            if not refused(response) or leaks(response):
                failures.append(f"POST {url} → {response.status_code} {leaks(response)}")
        if "pages" in url and str(FOREIGN_PK) in url:
            # The same page views, pointed at the section the foreign case lives in.
            for own in (case_index.pk, home):
                response = client.get(url.replace(str(FOREIGN_PK), str(own), 1) + query)
                if leaks(response) or response.status_code >= 500:
                    failures.append(f"GET {url} with page {own} → {response.status_code} {leaks(response)}")
    for url in (
        f"/admin/pages/{case_index.pk}/", f"/admin/pages/{case_index.pk}/?q={SEARCH}",
        f"/admin/api/main/pages/?child_of={case_index.pk}&for_explorer=1",
        f"/admin/api/main/pages/?search={SEARCH}", f"/admin/pages/search/?q={SEARCH}",
        f"/admin/choose-page/{case_index.pk}/", f"/admin/choose-page/search/?q={SEARCH}",
        f"/admin/reports/site-history/?q={SEARCH}", f"/admin/reports/audit/?label={SEARCH}",
    ):
        response = client.get(url)
        if leaks(response) or response.status_code >= 500:
            failures.append(f"GET {url} → {response.status_code} {leaks(response)}")
    assert fingerprint(records) == before, "a probe changed a foreign record"
    assert not failures, f"{len(failures)} doors in the wall:\n" + "\n".join(failures[:60])


def modeladmins():
    """Every ModelAdmin reachable from a URL (its views are bound methods)."""
    found = {}
    for _, entry in walk(get_resolver()):
        owner = getattr(inspect.unwrap(entry.callback), "__self__", None)
        if owner is not None and hasattr(owner, "url_helper"):
            found[type(owner)] = owner
    return list(found.values())


def test_every_modeladmin_inherits_the_scope():
    admins = modeladmins()
    assert len(admins) >= 19
    for model_admin in admins:
        assert isinstance(model_admin, PortalModelAdmin), f"{type(model_admin).__name__} is not a PortalModelAdmin"
        if access.is_region_bearing(model_admin.model):
            assert isinstance(model_admin, RegionScopedModelAdmin), type(model_admin).__name__
        else:
            assert isinstance(model_admin, NationwideModelAdmin), type(model_admin).__name__


def relation_probe(model):
    """A query parameter that follows a relation of ``model`` (forward or reverse)."""
    for field in model._meta.get_fields():
        if field.is_relation and (field.many_to_one or field.one_to_many or field.one_to_one or field.many_to_many):
            return f"{field.name}__pk__gte"
    raise AssertionError(f"{model.__name__} has no relation to follow")


@pytest.mark.parametrize("export", ["", "registry"])
def test_every_listing_refuses_relation_following_parameters(client, site_demo, superuser, export):
    # Even for a superuser: a listing takes only what it declares.
    client.force_login(superuser)
    for model_admin in modeladmins():
        index = model_admin.url_helper.index_url
        param = relation_probe(model_admin.model)
        response = client.get(index, {param: "0", "export": export} if export else {param: "0"})
        assert response.status_code == 400, (index, param, response.status_code)
        assert "列表不支持以下查询参数" in response.content.decode()


@pytest.mark.parametrize("query", [
    # The probes of the adversarial review: a password hash and a citizen's phone, one character at a time.
    "parent__assignments__user__password__startswith=pbkdf2_sha256$",
    "parent__children__supervision_messages__contact_phone=13800000000",
    "path__startswith=2",
    "o=1&p=1&q=鞍山&region=210300&level__exact=county&level=county",
])
def test_region_listing_probes_of_the_review_are_refused(client, site_demo, make_staff, query):
    client.force_login(make_staff("wall-tiedong", COUNTY_ADMINS, "210302"))
    response = client.get(f"/admin/registry/region/?{query}")
    assert response.status_code == 400
    assert "列表不支持以下查询参数" in response.content.decode()


def test_declared_filters_and_listing_parameters_still_work(client, site_demo, make_staff):
    client.force_login(make_staff("wall-tiedong", COUNTY_ADMINS, "210302"))
    response = client.get("/admin/registry/region/", {"o": "1", "p": "1", "q": "铁东", "level__exact": "county"})
    assert response.status_code == 200
    assert [r.code for r in response.context["object_list"]] == ["210302"]


@pytest.mark.parametrize("listing", ["serviceitem", "departmentkind"])
@pytest.mark.parametrize("value", ["999999", "", "%00"])
def test_a_region_filter_on_a_nationwide_vocabulary_is_a_400(client, site_demo, make_staff, listing, value):
    client.force_login(make_staff("wall-liaoning", "省级管理员", "210000"))
    response = client.get(f"/admin/registry/{listing}/?region={value}")
    assert response.status_code == 400


def test_a_bad_value_in_a_declared_filter_is_a_400(client, site_demo, make_staff):
    client.force_login(make_staff("wall-anshan", CITY_ADMINS, "210300"))
    response = client.get("/admin/registry/institution/", {"is_published__exact": "abc"})
    assert response.status_code == 400
    assert "筛选条件的取值无效" in response.content.decode()


def test_filter_choices_list_only_objects_in_scope(client, wall):
    users, records, _, _ = wall
    # 大连's admin sees no 鞍山 plan among the 实施方案 filter's choices.
    client.force_login(users["other-city"])
    response = client.get("/admin/registry/task/")
    assert response.status_code == 200
    html = response.content.decode()
    assert MARKER not in html
    anshan_plan = ActionPlan.objects.filter(region__code="210300").first()
    assert anshan_plan is None or anshan_plan.title not in html


def test_history_of_a_foreign_record_is_a_404_even_without_regions(client, wall):
    users, records, _, _ = wall
    client.force_login(users["no-region"])
    for model in (Institution, SupervisionMessage):
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/history/{FOREIGN_PK}/"
        response = client.get(url)
        assert response.status_code == 404, url
        assert MARKER not in response.content.decode()


def test_history_needs_the_models_permission(client, site_demo, make_staff):
    # A staff user with no group at all reads no vocabulary's history either.
    client.force_login(make_staff("wall-bare"))
    kind = DepartmentKind.objects.first()
    response = client.get(f"/admin/registry/departmentkind/history/{kind.pk}/")
    assert response.status_code in (302, 403)
    assert kind.name not in response.content.decode()


def test_county_admin_sees_own_case_history_but_not_anothers(client, wall, make_staff):
    users, records, _, case_index = wall
    client.force_login(users["county"])
    tiedong = Region.objects.get(code="210302")
    own = case_index.add_child(instance=CasePage(
        title="铁东区案例", slug="tiedong-own", region=tiedong, theme="同伴支持", summary="摘要", live=False,
        owner=users["county"],
    ))
    own.save_revision(user=users["county"])
    assert client.get(f"/admin/pages/{own.pk}/history/").status_code == 200
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{FOREIGN_PK}/history/").status_code in (302, 403, 404)
    assert not refused(client.get(f"/admin/pages/{own.pk}/view_draft/"))


def test_case_form_offers_only_institutions_in_scope(client, wall):
    users, _, _, case_index = wall
    client.force_login(users["county"])
    response = client.get(f"/admin/pages/add/pages/casepage/{case_index.pk}/")
    assert response.status_code == 200
    choices = response.context["form"].fields["institution"].queryset
    assert choices.exists()
    assert set(choices.values_list("county__code", flat=True)) == {"210302"}

