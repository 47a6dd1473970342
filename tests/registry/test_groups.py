import pytest
from django.contrib.auth.models import Group

from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, EDITORS, PROVINCE_ADMINS, ensure_groups


def perms(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_migrate_creates_the_four_staff_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {PROVINCE_ADMINS, CITY_ADMINS, COUNTY_ADMINS, EDITORS}
    assert all("access_admin" in perms(g) for g in (PROVINCE_ADMINS, CITY_ADMINS, COUNTY_ADMINS, EDITORS))


@pytest.mark.django_db
def test_only_province_admins_edit_the_shared_vocabularies():
    assert {"change_region", "change_serviceitem", "change_departmentkind"} <= perms(PROVINCE_ADMINS)
    assert not {"change_region", "change_serviceitem"} & perms(CITY_ADMINS)
    assert "view_region" in perms(COUNTY_ADMINS)


@pytest.mark.django_db
def test_county_admins_maintain_their_institutions_but_not_the_plan():
    county = perms(COUNTY_ADMINS)
    assert {"add_institution", "change_institution", "delete_institution", "add_taskprogress"} <= county
    assert "change_actionplan" not in county and "delete_task" not in county


@pytest.mark.django_db
def test_ensure_groups_is_idempotent_and_restores_removed_permissions():
    group = Group.objects.get(name=COUNTY_ADMINS)
    group.permissions.clear()
    ensure_groups()
    ensure_groups()
    assert "change_institution" in perms(COUNTY_ADMINS)
    assert Group.objects.filter(name=COUNTY_ADMINS).count() == 1


@pytest.mark.django_db
def test_province_admins_may_lift_login_lockouts():
    assert {"view_accessattempt", "delete_accessattempt"} <= perms(PROVINCE_ADMINS)


@pytest.mark.django_db
def test_migrate_alone_grants_every_apps_models_from_the_one_table():
    # No ensure_groups() call here: what the test database's migrate left.
    from portal.registry.groups import GROUP_PERMISSIONS

    for group_name, models in GROUP_PERMISSIONS.items():
        expected = {f"{action}_{label.split('.')[1]}" for label, actions in models.items() for action in actions}
        assert expected <= perms(group_name), (group_name, expected - perms(group_name))
    assert {"change_supervisionmessage", "add_priceversion"} <= perms(COUNTY_ADMINS)
    assert "change_priceversion" not in perms(COUNTY_ADMINS)


def test_no_app_grants_permissions_on_its_own():
    # One receiver, one table: the other apps connect nothing to post_migrate.
    from django.db.models.signals import post_migrate

    portal_receivers = [r for r in post_migrate._live_receivers(None)[0] if r.__module__.startswith(("portal", "search"))]
    assert [r.__qualname__ for r in portal_receivers] == ["ensure_groups"]
