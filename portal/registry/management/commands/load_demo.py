from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.pages.demo import load_site
from portal.registry import demo
from portal.reporting.demo import load_rounds
from portal.registry.groups import CITY_ADMINS, COUNTY_ADMINS, PROVINCE_ADMINS, ensure_groups
from portal.registry.models import Region, RegionAssignment

DEMO_PASSWORD = "jingkang-demo-2026"
# username, group, region code (None: superuser)
DEMO_USERS = [
    ("admin", None, None),
    ("liaoning", PROVINCE_ADMINS, "210000"),
    ("anshan", CITY_ADMINS, "210300"),
    ("tiedong", COUNTY_ADMINS, "210302"),
]


class Command(BaseCommand):
    help = "载入演示数据（行政区划、鞍山任务分工与联席会议、目标、示例机构、填报任务）并创建演示账号。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="不创建演示账号")

    def handle(self, *args, no_users=False, **options):
        ensure_groups()
        with transaction.atomic():
            demo.load_all(stdout=self.stdout)
            self.stdout.write(f"填报任务：{load_rounds()} 个")
            load_site()
            if not no_users:
                self.create_users()
        # As bakerydemo does: the demo ends with a fresh search index.
        call_command("search_reindex", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))

    def create_users(self):
        from django.contrib.auth.models import Group

        User = get_user_model()
        for username, group, code in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": group is None,
                                             # Reporting notices print to the console in development.
                                             "email": f"{username}@example.com"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
                RegionAssignment.objects.get_or_create(user=user, region=Region.objects.get(code=code))
        self.stdout.write(f"演示账号：{', '.join(u for u, _, _ in DEMO_USERS)}（密码 {DEMO_PASSWORD}）")
