"""Chinese names for what Wagtail's own migrations create in English.

A Chinese editor meets them in the page explorer ("Root"), the collections,
the workflow reports and filters ("Moderators approval") and the user groups
("Moderators", "Editors", which the portal does not use: its groups are in
portal/registry/groups.py). Only rows still carrying Wagtail's English default
are renamed, so a name an administrator chose is kept.
"""

from django.db import migrations

RENAMES = [
    # (app, model, lookup, field, English default, Chinese)
    ("wagtailcore", "Page", {"depth": 1}, "title", "Root", "根页面"),
    ("wagtailcore", "Page", {"depth": 1}, "draft_title", "Root", "根页面"),
    ("wagtailcore", "Collection", {"depth": 1}, "name", "Root", "根集合"),
    ("wagtailcore", "Workflow", {}, "name", "Moderators approval", "审核员审批（Wagtail 默认工作流）"),
    ("wagtailcore", "Task", {}, "name", "Moderators approval", "审核员审批"),
    ("auth", "Group", {}, "name", "Moderators", "审核员（Wagtail 默认组）"),
    ("auth", "Group", {}, "name", "Editors", "编辑员（Wagtail 默认组）"),
]


def rename(apps, schema_editor, backwards=False):
    for app, model, lookup, field, english, chinese in RENAMES:
        old, new = (chinese, english) if backwards else (english, chinese)
        apps.get_model(app, model).objects.filter(**lookup, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    rename(apps, schema_editor)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
