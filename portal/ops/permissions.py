"""Permissions this app gives the 省级管理员 group after every migrate.

- viewing and deleting django-axes' access attempts: deleting one lifts a
  login lockout (设置 → 登录锁定). Superusers can do both anyway.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

PROVINCE_ADMINS = "省级管理员"

GRANTS = {
    PROVINCE_ADMINS: [
        ("axes", "view_accessattempt"),
        ("axes", "delete_accessattempt"),
    ],
}


def grant_ops_permissions(sender=None, **kwargs):
    # Permissions of every app exist once the last app's post_migrate is sent.
    if sender is not None and sender is not list(apps.get_app_configs())[-1]:
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
