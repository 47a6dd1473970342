"""The staff groups every installation has, with their model permissions: one table.

Kept in step after every ``migrate`` (post_migrate), so a new model's
permissions reach the groups without a hand-written data migration. Every app
of the portal adds its models here rather than granting on its own; what a
group may do *within* a model is then limited to its regions (``access``).
Page permissions (优秀案例) are tree permissions, set by ``load_demo``.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

PROVINCE_ADMINS = "省级管理员"
CITY_ADMINS = "市级管理员"
COUNTY_ADMINS = "县级管理员"
EDITORS = "编辑"

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
# Supervision messages only come from the public form: staff handle them.
HANDLE = ("view", "change")
# A price is never edited: a new price is a new version.
ADD_VIEW = ("add", "view")

# Regions, department kinds and the service vocabulary are shared across the
# whole tree, so only province admins edit them.
_REGISTRY = {
    "registry.institution": ALL, "registry.jointmeeting": ALL, "registry.jointmeetingmember": ALL,
    "registry.departmentduty": ALL, "registry.actionplan": ALL, "registry.task": ALL,
    "registry.taskprogress": ALL, "registry.target": ALL, "registry.countyreport": ALL, "registry.department": ALL,
}
_PUBLIC_CHANNELS = {
    "supervision.hotline": ALL, "supervision.supervisionmessage": HANDLE,
    # Ratings come from the writers; 回访 are recorded in the message's edit view.
    "supervision.messagerating": VIEW, "supervision.messagecallback": VIEW,
    "prices.priceitem": ALL, "prices.priceversion": ADD_VIEW,
}
# Reporting rounds (portal/reporting): cities and provinces open rounds and
# review the level below; every level submits its own figures ("change" on a
# submission). Snapshots are written only by the service and never edited.
_SNAPSHOTS = {"reporting.submittedinstitution": VIEW, "reporting.submittedreport": VIEW, "reporting.submittedtask": VIEW}
_REVIEWING = {"reporting.reportinground": ALL, "reporting.submission": ("view", "change", "review"), **_SNAPSHOTS}
_REPORTING = {"reporting.reportinground": VIEW, "reporting.submission": ("view", "change"), **_SNAPSHOTS}
# 设置 → 网站自查设置 (the columns' update intervals): site-wide, for those who run the site.
_INSPECTION = {"inspection.inspectionsettings": ("change", "view")}
GROUP_PERMISSIONS = {
    PROVINCE_ADMINS: {
        **_REGISTRY, **_PUBLIC_CHANNELS, **_REVIEWING, **_INSPECTION,
        "registry.region": ALL, "registry.regionassignment": ALL, "registry.departmentkind": ALL,
        "registry.serviceitem": ALL,
        # Deleting an access attempt lifts a login lockout (设置 → 登录锁定).
        "axes.accessattempt": ("view", "delete"),
    },
    CITY_ADMINS: {
        **_REGISTRY, **_PUBLIC_CHANNELS, **_REVIEWING,
        "registry.region": VIEW, "registry.regionassignment": ALL, "registry.departmentkind": VIEW,
        "registry.serviceitem": VIEW,
    },
    COUNTY_ADMINS: {
        **_PUBLIC_CHANNELS, **_REPORTING,
        "registry.institution": ALL, "registry.jointmeeting": ALL, "registry.jointmeetingmember": ALL,
        "registry.departmentduty": ALL, "registry.actionplan": VIEW, "registry.task": ("view", "change"),
        "registry.taskprogress": ALL, "registry.target": VIEW, "registry.countyreport": ALL,
        "registry.department": ALL, "registry.region": VIEW, "registry.departmentkind": VIEW,
        "registry.serviceitem": VIEW,
    },
    EDITORS: {
        **_INSPECTION,
        "registry.institution": VIEW, "registry.region": VIEW, "registry.serviceitem": VIEW,
        "supervision.hotline": VIEW, "prices.priceitem": VIEW, "prices.priceversion": VIEW,
    },
}


def is_last_post_migrate(sender):
    """post_migrate is sent once per app that has models; the permissions of
    every app exist only once the last one has been sent. True then, and when
    a receiver is called directly (sender None)."""
    if sender is None:
        return True
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    return sender is with_models[-1]


def permissions_for(models):
    """The Permission rows for {"app.model": actions}."""
    wanted = []
    for label, actions in models.items():
        app_label, model_name = label.split(".")
        wanted += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=[f"{a}_{model_name}" for a in actions],
        )
    return wanted


def ensure_groups(sender=None, **kwargs):
    if not is_last_post_migrate(sender):
        return
    # auth's own receiver creates the last app's permissions after this one runs.
    using = kwargs.get("using", "default")
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    for group_name, models in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.add(*permissions_for(models), *admin_access)
