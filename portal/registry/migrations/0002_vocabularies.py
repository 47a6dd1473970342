"""Department kinds and the service vocabulary every installation starts with."""

from django.db import migrations

DEPARTMENT_KINDS = [
    # code, short name, full name, aliases
    ("civil_affairs", "民政", "民政局", "民政部门、民政厅"),
    ("finance", "财政", "财政局", "财政部门、财政厅"),
    ("health", "卫健", "卫生健康委员会", "卫生健康、卫生健康委、卫健委、卫生健康部门"),
    ("disabled_federation", "残联", "残疾人联合会", "残疾人联合会、残联组织"),
    ("public_security", "公安", "公安局", "公安部门、公安厅"),
    ("human_resources", "人社", "人力资源和社会保障局", "人力资源和社会保障、人力资源社会保障"),
]

# The national standard items, then the local ones the seed plans name.
NATIONAL_SERVICES = [
    "服药训练", "预防复发训练", "躯体管理训练", "生活技能训练", "社交能力训练",
    "职业康复训练", "心理康复", "同伴支持", "家庭支持",
]
LOCAL_SERVICES = [
    "社交技能训练", "职业能力训练", "居家康复指导", "日间训练", "过渡性住宿",
    "家庭支援", "就业转介", "日常生活能力训练", "运动功能训练", "药物自我处置技能训练",
    "居家康复和照护技能培训", "喘息服务", "政策咨询",
]


def forwards(apps, schema_editor):
    DepartmentKind = apps.get_model("registry", "DepartmentKind")
    ServiceItem = apps.get_model("registry", "ServiceItem")
    for order, (code, short, name, aliases) in enumerate(DEPARTMENT_KINDS):
        DepartmentKind.objects.update_or_create(
            code=code, defaults={"short_name": short, "name": name, "aliases": aliases, "sort_order": order}
        )
    for order, name in enumerate(NATIONAL_SERVICES):
        ServiceItem.objects.update_or_create(name=name, defaults={"is_national_standard": True, "sort_order": order})
    for order, name in enumerate(LOCAL_SERVICES, start=len(NATIONAL_SERVICES)):
        ServiceItem.objects.get_or_create(name=name, defaults={"is_national_standard": False, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
