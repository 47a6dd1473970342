"""The database search index: one row per searchable object.

Institutions are not Wagtail ``Indexed`` models (and belong to the registry
app), and the directory needs facets Wagtail's database backend cannot count
(region subtree, services), so the portal keeps its own small index here:

* ``SearchEntry``: one narrow row per object with what filters, facets,
  sorting and a hit need (region path, department, category, services,
  coordinates, date, public flag);
* ``SearchText``: its text, and the segmented columns (``title_words``,
  ``body_words``, ``grams``: space-separated tokens from ``search.segmenter``).

The full-text index over the segmented columns is created by migration 0002
for the database in use: an FTS5 external-content table kept in step by
triggers on SQLite, a generated ``tsvector`` column with a GIN index on
PostgreSQL. Pages are read through their Wagtail ``search_fields``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models


class EntryKind(models.TextChoices):
    INSTITUTION = "institution", "服务机构"
    PAGE = "page", "页面"
    PRICE_BOARD = "price_board", "价格公示"


class SearchEntry(models.Model):
    """What filtering, faceting, sorting and showing a hit need: narrow, so scans stay fast."""

    content_type = models.ForeignKey(ContentType, verbose_name="内容类型", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("对象编号")
    kind = models.CharField("类别", max_length=16, choices=EntryKind.choices)
    section = models.CharField("栏目", max_length=100, help_text="app_label.model，如 registry.institution")
    section_label = models.CharField("栏目名称", max_length=100)
    title = models.CharField("标题", max_length=255)
    url = models.CharField("链接", max_length=500, blank=True)
    region_path = models.CharField("区划路径", max_length=255, blank=True, db_index=True)
    region_name = models.CharField("所在区划", max_length=100, blank=True)
    is_public = models.BooleanField("公开", default=False)
    date = models.DateField("日期", null=True, blank=True)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    department = models.CharField("所属部门", max_length=24, blank=True)
    category = models.CharField("机构类别", max_length=24, blank=True)
    services = models.TextField("服务项目", blank=True, help_text="以 | 分隔")
    details = models.JSONField("展示字段", default=dict, blank=True)
    updated_at = models.DateTimeField("索引时间", auto_now=True)

    SERVICE_SEPARATOR = "|"

    class Meta:
        verbose_name = "搜索索引条目"
        verbose_name_plural = "搜索索引条目"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_search_entry_per_object"),
        ]
        indexes = [
            models.Index(fields=["kind", "is_public"], name="search_entry_kind_public"),
            models.Index(fields=["section"], name="search_entry_section"),
        ]

    def __str__(self):
        return f"{self.section_label}：{self.title}"

    @property
    def service_list(self):
        return [s for s in self.services.split(self.SERVICE_SEPARATOR) if s]


class SearchText(models.Model):
    """The text of an entry: the plain text for snippets and the segmented columns
    the full-text index is built on (space-separated tokens from search.segmenter)."""

    entry = models.OneToOneField(SearchEntry, on_delete=models.CASCADE, primary_key=True, related_name="content")
    text = models.TextField("正文（用于摘要）", blank=True)
    title_words = models.TextField("标题分词", blank=True)
    body_words = models.TextField("正文分词", blank=True)
    grams = models.TextField("单字与二字组", blank=True)

    class Meta:
        verbose_name = "搜索索引正文"
        verbose_name_plural = "搜索索引正文"

    def __str__(self):
        return str(self.entry_id)


class SearchService(models.Model):
    """One service an institution offers: the service facet is one GROUP BY over this table."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="service_rows")
    name = models.CharField("服务项目", max_length=50)

    class Meta:
        verbose_name = "搜索服务项目"
        verbose_name_plural = "搜索服务项目"
        indexes = [models.Index(fields=["entry", "name"], name="search_service_entry_name")]

    def __str__(self):
        return self.name
