"""Rebuild the search index: the database index always, Elasticsearch when configured."""

import time

from django.core.management.base import BaseCommand, CommandError

from search.stores import database_store, elasticsearch_enabled, elasticsearch_store


class Command(BaseCommand):
    help = "重建站内搜索索引（数据库索引；配置了 ELASTICSEARCH_URL 时同时重建 Elasticsearch 索引并切换别名）。"

    def add_arguments(self, parser):
        parser.add_argument("--database-only", action="store_true", help="只重建数据库索引")
        parser.add_argument("--elasticsearch-only", action="store_true", help="只重建 Elasticsearch 索引")

    def handle(self, *args, database_only=False, elasticsearch_only=False, **options):
        from search import items

        if database_only and elasticsearch_only:
            raise CommandError("--database-only 与 --elasticsearch-only 不能同时使用。")
        if not elasticsearch_only:
            started = time.monotonic()
            done = database_store().rebuild(items.all_items(), items.count_items(), self._progress("数据库索引"))
            self.stdout.write(self.style.SUCCESS(f"数据库索引：{done} 条，用时 {time.monotonic() - started:.1f} 秒"))
        if elasticsearch_only and not elasticsearch_enabled():
            raise CommandError("没有设置 ELASTICSEARCH_URL，无法重建 Elasticsearch 索引。")
        if elasticsearch_enabled() and not database_only:
            from search.stores import elastic

            started = time.monotonic()
            try:
                done = elasticsearch_store().rebuild(items.all_items(), items.count_items(),
                                                     self._progress("Elasticsearch"))
            except Exception as exc:
                raise CommandError(f"Elasticsearch 索引重建失败（{exc}）；旧索引仍在使用，未受影响。") from exc
            self.stdout.write(self.style.SUCCESS(
                f"Elasticsearch：{done} 条，已切换别名 {', '.join(elastic.all_aliases())}，"
                f"用时 {time.monotonic() - started:.1f} 秒"
            ))

    def _progress(self, label):
        def report(done, total):
            percent = min(100, 100 * done // total) if total else 100
            self.stdout.write(f"{label}：{done}/{total}（{percent}%）")

        return report
