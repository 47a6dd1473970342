"""Turn a policy document's converted text into headings and paragraphs.

The text conversions of the seeds broke lines mid-sentence (fixed-width PDF
lines, blank lines between them). Re-flowing joins a line to the next when it
ends mid-sentence; headings (一、… （一）… markdown ##), numbered items,
labelled lines (完成时限：…), indented lines, signatures and dates stay on
their own. A date line and the names just above it (no punctuation) are the
落款, marked "sign" so the page can right-align them as a 公文 does. Characters are kept verbatim: only line breaks and the markdown
heading markers and separator rules of the conversion are dropped.
"""

import re
from dataclasses import dataclass

TERMINAL = tuple("。！？；：…”」』")  # a line ending in these ends its paragraph
MIN_JOIN_LENGTH = 18  # shorter lines without punctuation are titles, names or dates
HEADING_MAX = 40

_RULE_RE = re.compile(r"^\s*-{3,}\s*$")
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_CN_NUM = "一二三四五六七八九十"
_SECTION_RE = re.compile(rf"^[{_CN_NUM}]+、")
_SUBSECTION_RE = re.compile(rf"^[(（][{_CN_NUM}]+[)）]")
_ITEM_RE = re.compile(rf"^(?:[(（]\d{{1,2}}[)）]|\d{{1,2}}[.．、]|[(（][{_CN_NUM}]+[)）]|[{_CN_NUM}]+、|第[{_CN_NUM}]+[条章])")
_LABEL_RE = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]")
_BRACKETED_RE = re.compile(r"^[(（][^()（）]{1,15}[)）]$")
_SPACED_RE = re.compile(r"\S\s{3,}\S")
_DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(印发)?$")
_SIGN_DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")  # not "…日印发" (版记)
_SENTENCE_MARKS = set("，。：；、！？,;:")
SIGN_MAX_LINES = 3
_DOC_NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,10}〔\d{4}〕\s*\d+\s*号$")
_TITLE_END_RE = re.compile(r"(通知|意见|方案|决定|办法|规定|细则)[》」]?$")


@dataclass
class Line:
    text: str  # stripped
    indented: bool
    markdown_heading: bool
    signature: bool = False  # a 落款 line: the names just above a date line, or the date


@dataclass
class Block:
    kind: str  # "h2", "h3", "p" or "sign" (落款)
    text: str


def _lines(raw):
    for source in raw.splitlines():
        if not source.strip() or _RULE_RE.match(source):
            continue
        markdown = bool(_MD_HEADING_RE.match(source))
        body = _MD_HEADING_RE.sub("", source) if markdown else source
        indented = body.startswith("  ") or body.startswith("\u3000")
        yield Line(text=body.strip(), indented=indented, markdown_heading=markdown)


def _signature_lines(lines):
    """Mark the 落款: a date line and up to SIGN_MAX_LINES short lines without
    punctuation right above it (the issuing bodies), so none is joined to another."""
    for i, line in enumerate(lines):
        if not _SIGN_DATE_RE.match(line.text):
            continue
        line.signature = True
        for above in reversed(lines[max(0, i - SIGN_MAX_LINES):i]):
            if above.markdown_heading or len(above.text) > 40 or _SENTENCE_MARKS & set(above.text):
                break
            above.signature = True
    return lines


def _standalone(line):
    text = line.text
    return (
        line.signature
        or line.markdown_heading
        or bool(_SPACED_RE.search(text))
        or bool(_DATE_RE.match(text))
        or bool(_DOC_NUMBER_RE.match(text))
        or bool(_BRACKETED_RE.match(text))
    )


def _starts_new(line):
    return line.indented or line.markdown_heading or _standalone(line) or bool(
        _ITEM_RE.match(line.text) or _LABEL_RE.match(line.text)
    )


def _is_heading(text):
    # "（一）开展…行动。" is a heading even with its closing full stop.
    if len(text) > HEADING_MAX or "。" in text[:-1]:
        return None
    if _SECTION_RE.match(text):
        return "h2"
    if _SUBSECTION_RE.match(text):
        return "h3"
    return None


def reflow(raw):
    """The document as a list of Blocks."""
    paragraphs = []  # [text, markdown_heading]
    open_paragraph = False
    for line in _signature_lines(list(_lines(raw))):
        if open_paragraph and not _starts_new(line):
            paragraphs[-1][0] += line.text
        else:
            paragraphs.append([line.text, line.markdown_heading, line.signature])
        current = paragraphs[-1][0]
        open_paragraph = (
            not line.markdown_heading
            and not _standalone(line)
            and len(current) >= MIN_JOIN_LENGTH
            and not current.endswith(TERMINAL)
            and not (len(current) <= 60 and _TITLE_END_RE.search(current))
        )
    blocks = []
    for text, markdown, signature in paragraphs:
        kind = "h2" if markdown else ("sign" if signature else (_is_heading(text) or "p"))
        blocks.append(Block(kind=kind, text=text))
    return blocks


def visible_characters(text):
    """The characters a reader sees, without whitespace, markdown markers and rules (for checks)."""
    kept = []
    for source in text.splitlines():
        if _RULE_RE.match(source):
            continue
        kept.append(_MD_HEADING_RE.sub("", source))
    return re.sub(r"\s+", "", "".join(kept))
