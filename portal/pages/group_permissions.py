"""Give the staff groups the model permissions of the portal's own apps.

Runs after ``migrate`` like ``portal.registry.groups.ensure_groups``: post_migrate
is sent once per app and permissions exist only after the last one, so act then.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission


def grant(app_label, per_group, sender=None):
    if sender is not None and sender is not list(apps.get_app_configs())[-1]:
        return
    for group_name, models in per_group.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
