"""Permissions this app gives the 省级管理员 group after every migrate.

- viewing and deleting django-axes' access attempts: deleting one lifts a
  login lockout (设置 → 登录锁定). Superusers can do both anyway.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from portal.registry.groups import PROVINCE_ADMINS, is_last_post_migrate

GRANTS = {
    PROVINCE_ADMINS: [
        ("axes", "view_accessattempt"),
        ("axes", "delete_accessattempt"),
    ],
}


def grant_ops_permissions(sender=None, **kwargs):
    if not is_last_post_migrate(sender):
        return
    # django-axes is the last app: its permissions are created by a receiver
    # that runs after this one for the same signal, so make sure they exist.
    create_permissions(apps.get_app_config("axes"), verbosity=0)
    for group_name, wanted in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codename in wanted:
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)
