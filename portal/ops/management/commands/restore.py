from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.ops.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "从 backup 命令生成的目录恢复数据库与媒体文件。数据库中现有的数据将被全部替换。"

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="backup 命令生成的目录")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive")
        parser.add_argument("--no-migrate", action="store_false", dest="migrate", help="不先运行 migrate")
        parser.add_argument("--skip-index", action="store_false", dest="rebuild_indexes", help="不重建搜索与引用索引")

    def handle(self, backup_dir, database, interactive, migrate, rebuild_indexes, **options):
        try:
            manifest = read_manifest(backup_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            answer = input(f"将用 {manifest['created']} 的备份替换数据库“{database}”中的全部数据。输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，未做任何改动。")
        if migrate:
            call_command("migrate", database=database, interactive=False, verbosity=0)
        try:
            restore(backup_dir, using=database, rebuild_indexes=rebuild_indexes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(manifest["rows"].values())
        self.stdout.write(f"已恢复 {total} 行数据、{len(manifest['media'])} 个媒体文件。")
