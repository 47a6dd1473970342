"""The index follows saves, deletes, publish and unpublish once the transaction commits."""

import pytest
from django.db import transaction
from wagtail.models import Page, PageViewRestriction

from portal.registry.models import Institution, InstitutionCategory, OwnerDepartment, Region, ServiceItem
from search.directory import search_institutions
from search.models import SearchEntry
from search.site import search_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(regions):
    return Region.objects.get(code="210302")


def new_institution(county, name="铁东区阳光康复驿站", **fields):
    return Institution.objects.create(
        name=name, county=county, owner_department=OwnerDepartment.CIVIL_AFFAIRS,
        category=InstitutionCategory.COMMUNITY_REHAB, is_published=True, **fields,
    )


def found(q):
    return [h.title for h in search_institutions(q=q, backend="database").hits]


def test_saving_an_institution_indexes_it_after_commit(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        inst = new_institution(county)
        # Nothing is written before the transaction commits.
        assert not SearchEntry.objects.filter(object_id=inst.pk, section="registry.institution").exists()
    assert callbacks
    for callback in callbacks:
        callback()
    assert found("阳光") == ["铁东区阳光康复驿站"]


def test_rename_unpublish_and_delete_follow(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inst = new_institution(county)
    with django_capture_on_commit_callbacks(execute=True):
        inst.name = "铁东区向日葵康复驿站"
        inst.save()
    assert found("阳光") == [] and found("向日葵") == ["铁东区向日葵康复驿站"]
    with django_capture_on_commit_callbacks(execute=True):
        inst.is_published = False
        inst.save()
    assert found("向日葵") == []
    with django_capture_on_commit_callbacks(execute=True):
        inst.delete()
    assert not SearchEntry.objects.filter(section="registry.institution", object_id=inst.pk).exists()


def test_services_added_later_are_searchable(county, django_capture_on_commit_callbacks):
    service = ServiceItem.objects.get_or_create(name="同伴支持")[0]
    with django_capture_on_commit_callbacks(execute=True):
        inst = new_institution(county)
    with django_capture_on_commit_callbacks(execute=True):
        inst.services.add(service)
    result = search_institutions(service="同伴支持", backend="database")
    assert [h.object_id for h in result.hits] == [inst.pk]


def test_rolled_back_save_never_reaches_the_index(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                new_institution(county, name="回滚康复驿站")
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert found("回滚") == []


def test_publish_unpublish_and_restrict_pages(make_home, django_capture_on_commit_callbacks):
    page = make_home("家庭支援服务", body="家庭支援")
    assert [h.title for h in search_site(q="家庭支援", backend="database").hits] == ["家庭支援服务"]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert search_site(q="家庭支援", backend="database").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert search_site(q="家庭支援", backend="database").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert search_site(q="家庭支援", backend="database").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).delete()
    assert not SearchEntry.objects.filter(kind="page", object_id=page.pk).exists()
