"""StreamField blocks editors build pages from; each renders its own template
under templates/blocks/."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="标题文字", max_length=120)
    level = blocks.ChoiceBlock(
        label="层级", choices=[("h2", "二级标题"), ("h3", "三级标题"), ("h4", "四级标题")], default="h2",
    )

    class Meta:
        label = "标题"
        icon = "title"
        template = "blocks/heading.html"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        label = "段落"
        icon = "pilcrow"
        template = "blocks/paragraph.html"


class FigureBlock(blocks.StructBlock):
    # Wagtail's ImageBlock asks for alt text (or an explicit "decorative" tick).
    image = ImageBlock(label="图片")
    caption = blocks.CharBlock(label="图片说明", required=False, max_length=200)

    class Meta:
        label = "图片"
        icon = "image"
        template = "blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引文")
    source = blocks.CharBlock(label="出处", required=False, max_length=120)

    class Meta:
        label = "引文"
        icon = "openquote"
        template = "blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", max_length=60)
    text = blocks.TextBlock(label="说明", required=False)
    page = blocks.PageChooserBlock(label="链接页面")
    button = blocks.CharBlock(label="按钮文字", max_length=20, default="了解详情")

    class Meta:
        label = "引导按钮"
        icon = "link"
        template = "blocks/call_to_action.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="文件")
    title = blocks.CharBlock(label="显示名称", required=False, max_length=200, help_text="留空时使用文件标题")

    class Meta:
        label = "附件"
        icon = "doc-full"
        template = "blocks/attachment.html"


class NoticeBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", max_length=60)
    text = blocks.TextBlock(label="内容")

    class Meta:
        label = "提示框"
        icon = "warning"
        template = "blocks/notice.html"


class SignatureBlock(blocks.TextBlock):
    """落款: the issuing bodies and the date, right-aligned as in a 公文."""

    class Meta:
        label = "落款"
        icon = "edit"
        template = "blocks/signature.html"
        help_text = "发文机关署名和成文日期，每行一项；显示时右对齐。"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    figure = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    attachment = AttachmentBlock()
    notice = NoticeBlock()
    signature = SignatureBlock()


class AttachmentsBlock(blocks.StreamBlock):
    attachment = AttachmentBlock()


class GalleryBlock(blocks.StreamBlock):
    figure = FigureBlock()
