import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from portal.registry import demo
from portal.registry.groups import COUNTY_ADMINS, CITY_ADMINS, PROVINCE_ADMINS, ensure_groups
from portal.registry.models import Region, RegionAssignment
from portal.registry.region_loader import load_regions

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def empty_cache():
    # The page cache and the form rate limit live in the (local-memory) cache:
    # no test sees what another one left there.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(db):
    load_regions()
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def demo_data(db):
    """The registry's demo data set, as ``manage.py load_demo`` builds it (without users)."""
    demo.load_all()
    return demo


@pytest.fixture
def reporting_demo(demo_data):
    """The demo's reporting rounds (鞍山's approved history and its 2026 下半年 round)."""
    from portal.reporting.demo import load_rounds

    load_rounds()


@pytest.fixture
def site_demo(reporting_demo):
    """The registry demo data, its reporting rounds and the whole demo public site, as ``load_demo`` builds them."""
    from portal.pages.demo import load_site
    from search import indexing

    home = load_site()
    # As `load_demo` does: the directory reads the search index (in tests the
    # on-commit index updates of the load never run).
    indexing.rebuild_database_index()
    return home


@pytest.fixture
def make_staff(db, django_user_model):
    """make_staff("tiedong", "县级管理员", "210302") → a staff user scoped to that region."""
    ensure_groups()

    def make(username, group_name=None, *region_codes, superuser=False):
        user = django_user_model.objects.create_user(
            username=username, password=PASSWORD, is_staff=True, is_superuser=superuser,
        )
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        for code in region_codes:
            RegionAssignment.objects.create(user=user, region=Region.objects.get(code=code))
        return user

    return make


@pytest.fixture
def county_admin(demo_data, make_staff):
    return make_staff("tiedong", COUNTY_ADMINS, "210302")


@pytest.fixture
def city_admin(demo_data, make_staff):
    return make_staff("anshan", CITY_ADMINS, "210300")


@pytest.fixture
def province_admin(demo_data, make_staff):
    return make_staff("liaoning", PROVINCE_ADMINS, "210000")


@pytest.fixture
def superuser(db, make_staff):
    return make_staff("root", None, superuser=True)
