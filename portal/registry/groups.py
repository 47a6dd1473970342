"""The staff groups every installation has, with their model permissions.

Kept in step after every ``migrate`` (post_migrate), so a new registry model's
permissions reach the groups without a hand-written data migration.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

PROVINCE_ADMINS = "省级管理员"
CITY_ADMINS = "市级管理员"
COUNTY_ADMINS = "县级管理员"
EDITORS = "编辑"

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)

# model name → actions, per group. Regions, department kinds and the service
# vocabulary are shared across the whole tree, so only province admins edit them.
_REGISTRY = {
    "institution": ALL, "jointmeeting": ALL, "jointmeetingmember": ALL, "departmentduty": ALL,
    "actionplan": ALL, "task": ALL, "taskprogress": ALL, "target": ALL, "countyreport": ALL,
    "department": ALL,
}
GROUP_PERMISSIONS = {
    PROVINCE_ADMINS: {
        **_REGISTRY, "region": ALL, "regionassignment": ALL, "departmentkind": ALL, "serviceitem": ALL,
    },
    CITY_ADMINS: {
        **_REGISTRY, "region": VIEW, "regionassignment": ALL, "departmentkind": VIEW, "serviceitem": VIEW,
    },
    COUNTY_ADMINS: {
        "institution": ALL, "jointmeeting": ALL, "jointmeetingmember": ALL, "departmentduty": ALL,
        "actionplan": VIEW, "task": ("view", "change"), "taskprogress": ALL, "target": VIEW,
        "countyreport": ALL, "department": ALL, "region": VIEW, "departmentkind": VIEW, "serviceitem": VIEW,
    },
    EDITORS: {"institution": VIEW, "region": VIEW, "serviceitem": VIEW},
}


def is_last_post_migrate(sender):
    """post_migrate is sent once per app that has models; the permissions of
    every app exist only once the last one has been sent. True then, and when
    a receiver is called directly (sender None)."""
    if sender is None:
        return True
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    return sender is with_models[-1]


def ensure_groups(sender=None, **kwargs):
    if not is_last_post_migrate(sender):
        return
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for group_name, models in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for model_name, actions in models.items():
            try:
                ct = ContentType.objects.get(app_label="registry", model=model_name)
            except ContentType.DoesNotExist:
                continue
            wanted += list(Permission.objects.filter(
                content_type=ct, codename__in=[f"{a}_{model_name}" for a in actions]
            ))
        if admin_access:
            wanted.append(admin_access)
        group.permissions.add(*wanted)
