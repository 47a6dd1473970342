"""Progress notes carry the region that reported them (existing notes: the plan's region)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_region(apps, schema_editor):
    TaskProgress = apps.get_model("registry", "TaskProgress")
    Task = apps.get_model("registry", "Task")
    TaskProgress.objects.filter(region__isnull=True).update(
        region=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("plan__region")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_import_records")]

    operations = [
        migrations.AddField(
            model_name="taskprogress",
            name="region",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="task_progress",
                to="registry.region", verbose_name="填报区划",
                help_text="进展所属的区划：方案所在区划或其下级。",
            ),
        ),
        migrations.RunPython(fill_region, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="taskprogress",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="task_progress",
                to="registry.region", verbose_name="填报区划",
                help_text="进展所属的区划：方案所在区划或其下级。",
            ),
        ),
    ]
