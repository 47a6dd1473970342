"""Upload checks for Wagtail documents: by content, not by name.

Images need nothing here: Wagtail reads every uploaded image with Willow
and refuses a file whose content is not the format its name claims;
WAGTAILIMAGES_EXTENSIONS leaves SVG out and the size limits are settings.

Documents are only checked by extension in Wagtail, so this form opens
each one: a PDF must start like a PDF, an Office file must be the zip
package of that kind, RTF/CSV/TXT must be text, and nothing may be HTML,
SVG or script in disguise (a browser could run it from our origin).
"""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm

# Office Open XML packages name their main part; OpenDocument has a mimetype entry.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF_MIMETYPES = {"odt": b"application/vnd.oasis.opendocument.text"}
TEXT_KINDS = {"csv", "txt"}
MARKUP_SIGNS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head", b"<object", b"<embed")


def _extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def looks_like_markup(head):
    lowered = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    return any(sign in lowered[:1024] for sign in MARKUP_SIGNS) or lowered.startswith(b"<")


def check_document_content(name, data):
    """Return None when the content matches the extension, else a Chinese message."""
    ext = _extension(name)
    if ext not in settings.WAGTAILDOCS_EXTENSIONS:
        allowed = "、".join(settings.WAGTAILDOCS_EXTENSIONS)
        return f"不支持“.{ext or '（无扩展名）'}”类型的文件。允许的类型：{allowed}。"
    head = data[:4096]
    if ext == "pdf":
        # The PDF header may follow a few bytes of junk; readers accept up to 1 KB.
        if b"%PDF-" not in data[:1024]:
            return "文件扩展名是 .pdf，但内容不是 PDF 文档。请上传真正的 PDF 文件。"
        return None
    if ext in OOXML_PARTS or ext in ODF_MIMETYPES:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
                if ext in OOXML_PARTS and OOXML_PARTS[ext] in names and "[Content_Types].xml" in names:
                    return None
                if ext in ODF_MIMETYPES and "mimetype" in names and package.read("mimetype").strip() == ODF_MIMETYPES[ext]:
                    return None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            pass
        return f"文件扩展名是 .{ext}，但内容不是该格式的文档（文件可能已损坏或被改了扩展名）。请用办公软件重新另存后上传。"
    if ext == "rtf":
        if not head.startswith(b"{\\rtf"):
            return "文件扩展名是 .rtf，但内容不是 RTF 文档。"
        return None
    if ext in TEXT_KINDS:
        if b"\x00" in head:
            return f"文件扩展名是 .{ext}，但内容不是文本文件。"
        if looks_like_markup(head):
            return "文本文件中含有网页（HTML/SVG/脚本）内容，出于安全考虑不能上传。"
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                data.decode(encoding)
                return None
            except UnicodeDecodeError:
                continue
        return f"无法识别 .{ext} 文件的文字编码，请另存为 UTF-8 编码后上传。"
    return None


class SafeDocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded or not hasattr(uploaded, "read") or uploaded == getattr(self, "original_file", None):
            return uploaded
        limit = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)
        if limit and uploaded.size > limit:
            raise ValidationError(f"文件太大（{filesizeformat(uploaded.size)}），最大允许 {filesizeformat(limit)}。")
        uploaded.seek(0)
        data = uploaded.read()
        uploaded.seek(0)
        problem = check_document_content(uploaded.name, data)
        if problem:
            raise ValidationError(problem)
        return uploaded
