"""Reading what a page holds: every block of its StreamFields, at any depth.

Used where Wagtail's reference index has nothing to say (external links,
images' alt text); internal links come from the index (``references``). The
walk reads the stored JSON (``raw_data``) next to the block definitions, so no
image or page behind a chooser is loaded from the database.
"""

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageBlock


def walk(block, raw):
    """(block, raw value) for ``block`` and every block inside it."""
    if raw is None:
        return
    yield block, raw
    if isinstance(block, ImageBlock):
        return  # {"image": id, "alt_text": …, "decorative": …}: a leaf for our purposes
    if isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        for name, child in block.child_blocks.items():
            yield from walk(child, raw.get(name))
    elif isinstance(block, blocks.StreamBlock):
        for item in raw:
            child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
            if child is not None:
                yield from walk(child, item.get("value"))
    elif isinstance(block, blocks.ListBlock):
        for item in raw:
            # Stored as {"type": "item", "value": …, "id": …}, or as bare values before Wagtail 2.16.
            yield from walk(block.child_block, item.get("value") if isinstance(item, dict) and "id" in item else item)


def stream_blocks(page):
    """(block, raw value) for every block of every StreamField of ``page``."""
    for field in page._meta.concrete_fields:
        if isinstance(field, StreamField):
            value = field.value_from_object(page)
            if value:
                yield from walk(field.stream_block, list(value.raw_data))


def images_without_alt(page):
    """How many image blocks on ``page`` have neither alt text nor the 装饰性图片 tick."""
    return sum(
        1 for block, raw in stream_blocks(page)
        if isinstance(block, ImageBlock) and isinstance(raw, dict) and raw.get("image")
        and not raw.get("decorative") and not (raw.get("alt_text") or "").strip()
    )
