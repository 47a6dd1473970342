"""Wagtail's built-in accessibility checker (axe-core), set up for our editors.

Wagtail runs it in the page editor's "检查" side panel (on the live preview)
and in the userbar on the site. Out of the box it checks ten rules with
English messages over the whole page; here it checks what an editor writes
(the page's ``<main>``, not the header and footer no editor can change)
against the rules the accessibility and 适老化 assessments of government
sites look at, with messages in Chinese. ``wagtail_hooks`` puts this item in
place of Wagtail's through the ``construct_wagtail_userbar`` hook, which the
editor's panel asks too.
"""

from wagtail.admin.userbar import ContentCheckerItem

MESSAGES = {
    "alt-text-quality": ("图片替代文字不恰当", "替代文字像文件名，请用一句话说明图片内容。"),
    "area-alt": ("图片热区缺少替代文字", "为图片中的每个可点击区域填写说明。"),
    "button-name": ("按钮没有文字", "请为按钮写上说明用途的文字，供读屏软件朗读。"),
    "definition-list": ("定义列表结构不正确", "请使用编辑器自带的列表。"),
    "dlitem": ("定义列表结构不正确", "请使用编辑器自带的列表。"),
    "empty-heading": ("标题为空", "删除空标题，或写上标题文字。"),
    "empty-meta-description": ("页面摘要为空", "在“推广”选项卡填写“搜索引擎描述”，用一两句话概括本页。"),
    "empty-table-header": ("表头为空", "为表格的每个表头单元格写上文字。"),
    "frame-title": ("嵌入内容缺少标题", "为嵌入的视频或地图填写标题。"),
    "heading-order": ("标题层级跳级", "标题应逐级使用（二级标题下用三级标题），不要跳过层级。"),
    "image-alt": ("图片缺少替代文字", "为图片填写替代文字；纯装饰性图片请勾选“装饰性图片”。"),
    "image-redundant-alt": ("替代文字与旁边文字重复", "替代文字应说明图片内容，不要重复图片旁的文字。"),
    "input-button-name": ("按钮没有文字", "请为按钮写上说明用途的文字。"),
    "input-image-alt": ("图片按钮缺少替代文字", "请为图片按钮填写替代文字。"),
    "link-name": ("链接没有文字", "链接文字应说明去向，不要只用图片或留空。"),
    "list": ("列表结构不正确", "请使用编辑器自带的有序、无序列表。"),
    "listitem": ("列表项不在列表中", "请使用编辑器自带的有序、无序列表。"),
    "object-alt": ("嵌入对象缺少替代文字", "为嵌入的对象提供文字说明。"),
    "p-as-heading": ("用加粗段落代替了标题", "请使用“标题”格式，而不是把段落加粗。"),
    "role-img-alt": ("图形缺少替代文字", "为图形提供文字说明。"),
    "svg-img-alt": ("矢量图缺少替代文字", "为矢量图提供文字说明。"),
    "table-duplicate-name": ("表格标题与摘要重复", "表格标题和摘要应各有内容。"),
    "td-headers-attr": ("表格单元格关联的表头不存在", "请检查表格结构。"),
    "th-has-data-cells": ("表头没有对应的数据", "删除多余的表头，或补全表格数据。"),
    "video-caption": ("视频缺少字幕", "为视频提供字幕，方便听障人士观看。"),
}


class PortalContentChecker(ContentCheckerItem):
    axe_include = ["main"]
    axe_run_only = sorted(MESSAGES)
    axe_messages = {rule: {"error_name": name, "help_text": help_text} for rule, (name, help_text) in MESSAGES.items()}


def use_portal_checker(request, items, page=None):
    """The ``construct_wagtail_userbar`` hook: our checker in place of Wagtail's."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, PortalContentChecker):
            items[index] = PortalContentChecker(in_editor=getattr(item, "in_editor", False))
