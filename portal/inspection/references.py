"""Internal links, read from Wagtail's reference index.

Wagtail records every reference a page makes (rich-text links, chooser blocks
in StreamFields, foreign keys, document links) in ``ReferenceIndex`` whenever
the page is saved, so the report asks one indexed table instead of parsing
every page. The index holds the page's own row, which for a live page is its
published content (drafts live in revisions).
"""

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.html import strip_tags
from wagtail.fields import StreamField
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import RichText

# Page fields that point at pages without being links on the page.
NOT_LINKS = {"alias_of"}


@dataclass(frozen=True)
class Reference:
    source_id: int
    target_id: str
    model_path: str  # the field ("cover_image") or block ("body.figure.image") holding it
    content_path: str


def content_type(model):
    return ContentType.objects.get_for_model(model)


def references_from(pages, target_model):
    """References from the pages of ``pages`` (a Page queryset) to objects of ``target_model``."""
    rows = ReferenceIndex.objects.filter(
        base_content_type=content_type(Page),
        object_id__in=pages.annotate(pk_text=Cast("pk", CharField())).values("pk_text"),
        to_content_type=content_type(target_model),
    ).exclude(model_path__in=NOT_LINKS)
    return [Reference(int(source), *rest)
            for source, *rest in rows.values_list("object_id", "to_object_id", "model_path", "content_path")]


def target_ids(references):
    return {int(r.target_id) for r in references if r.target_id.isdigit()}


_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>(.{0,80})", re.S)


def _anchor_texts(html, target_id):
    """The text of each rich-text link to page ``target_id``, with what directly follows it."""
    for attrs, inner, after in _ANCHOR.findall(html or ""):
        if 'linktype="page"' in attrs and re.search(rf'\bid="{target_id}"', attrs):
            yield strip_tags(inner) + strip_tags(after)[:20]


def text_around(page, content_path, target_id):
    """What a reader sees at the reference: the link's text (rich text) or the
    block holding the chooser (its title and text)."""
    field_name, *rest = content_path.split(".")
    try:
        field = page._meta.get_field(field_name)
    except Exception:  # a child relation or a field that is gone
        return ""
    value = field.value_from_object(page)
    if isinstance(field, StreamField):
        bound = field.get_block_by_content_path(value, rest) if rest else None
        if bound is None:
            return ""
        if isinstance(bound.value, RichText):
            return " ".join(_anchor_texts(bound.value.source, target_id))
        holder = field.get_block_by_content_path(value, rest[:-1]) if len(rest) > 1 else bound
        values = holder.value.values() if hasattr(holder.value, "values") else [holder.value]
        return " ".join(str(v) for v in values if isinstance(v, str))
    if isinstance(value, str):
        return " ".join(_anchor_texts(value, target_id))
    return ""
