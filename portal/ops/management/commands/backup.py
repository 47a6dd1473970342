from django.core.management.base import BaseCommand, CommandError

from portal.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与媒体文件到 OUT_DIR 下的一个新目录（jingkang-backup-时间）。"

    def add_arguments(self, parser):
        parser.add_argument("out_dir", help="备份存放目录")
        parser.add_argument("--database", default="default")

    def handle(self, out_dir, database, **options):
        try:
            target = backup(out_dir, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(target))
