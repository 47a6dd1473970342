from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.pages.demo import load_site
from portal.pages.models import HomePage
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
    help = "载入演示数据（行政区划、鞍山任务分工与联席会议、目标、示例机构、填报任务）；首次载入时创建演示账号。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="首次载入时也不创建演示账号")

    def handle(self, *args, no_users=False, **options):
        ensure_groups()
        # The accounts, with their published password, come with the first load
        # only: one an admin deleted (or never wanted) is not brought back.
        first_load = not HomePage.objects.exists()
        with transaction.atomic():
            demo.load_all(stdout=self.stdout)
            self.stdout.write(f"填报任务：{load_rounds()} 个")
            load_site()
            if no_users:
                pass
            elif first_load:
                self.create_users()
            else:
                self.stdout.write("演示账号只在首次载入时创建：本次没有创建或修改任何账号。")
        # As bakerydemo does: the demo ends with a fresh search index.
        call_command("search_reindex", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))

    def create_users(self):
        from django.contrib.auth.models import Group

        User = get_user_model()
        made = []
        for username, group, code in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": group is None,
                                             # Reporting notices print to the console in development.
                                             "email": f"{username}@example.com"},
            )
            if not created:
                continue  # an account of the same name made before the demo: left as it is
            user.set_password(DEMO_PASSWORD)
            user.save()
            made.append(username)
            if group:
                user.groups.add(Group.objects.get(name=group))
                RegionAssignment.objects.get_or_create(user=user, region=Region.objects.get(code=code))
        if made:
            self.stdout.write(f"已创建演示账号：{', '.join(made)}（密码 {DEMO_PASSWORD}，正式使用前请修改或删除）")
