from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.inspection import linkcheck
from portal.inspection.models import ExternalLink, LinkResult


class Command(BaseCommand):
    help = "检查公众网站上所有外部链接能否访问（带超时），结果显示在“报告 → 网站自查”中。建议每天由 cron 运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="每个链接的超时秒数（默认 10）")
        parser.add_argument("--workers", type=int, default=8, help="同时检查的链接数（默认 8）")

    def handle(self, *args, timeout, workers, **options):
        if timeout <= 0 or workers < 1:
            raise CommandError("--timeout 须大于 0，--workers 至少为 1。")
        run = linkcheck.run(timeout=timeout, workers=workers)
        self.stdout.write(
            f"{timezone.localtime(run.finished_at):%Y-%m-%d %H:%M} 检查了 {run.link_count} 个外部链接，"
            f"{run.broken_count} 个无法访问。"
        )
        for link in ExternalLink.objects.filter(result=LinkResult.BROKEN).order_by("url"):
            self.stdout.write(f"  无法访问：{link.url}（{link.error}）")
        skipped = ExternalLink.objects.filter(result=LinkResult.SKIPPED).count()
        if skipped:
            self.stdout.write(f"  另有 {skipped} 个内网或本机地址未检查。")
