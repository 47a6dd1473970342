from django.core.management.base import BaseCommand

from portal.inspection.digest import send_digest
from portal.inspection.jobs import send_digest_task


class Command(BaseCommand):
    help = ("给各区划的管理员和编辑发送网站自查周报（每人只含本人可处理的事项；没有待处理事项的人不发送）。"
            "由 cron 每周运行一次；默认交给后台任务（db_worker）发送，--now 则立即在本进程发送。")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="不经后台任务，立即发送")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"已发送 {send_digest()} 封网站自查周报。")
            return
        result = send_digest_task.enqueue()
        self.stdout.write(f"网站自查周报已交给后台任务发送（任务编号 {result.id}）。")
