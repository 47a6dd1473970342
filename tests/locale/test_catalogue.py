"""portal/locale: the project's own zh_Hans translations are complete, well-formed and compiled."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|%[sdr]|\{[a-z_]+\}")


def test_the_catalogues_are_there():
    assert {p.name for p in CATALOGUES} == {"django.po", "djangojs.po"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_entry_is_translated_with_the_same_placeholders(path):
    for entry in polib.pofile(str(path)):
        source = entry.msgid_plural or entry.msgid
        target = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        assert target.strip(), f"untranslated: {entry.msgid!r}"
        assert set(PLACEHOLDER.findall(target)) == set(PLACEHOLDER.findall(source)), entry.msgid
        # English may stay as a glossed term in brackets, (hook), or as a name (Wagtail, JavaScript, API).
        rest = re.sub(r"<[^>]+>|%\([a-z_]+\)[sdr]|\{[a-z_]+\}|（[ -~]+）|Wagtail|JavaScript|API", "", target)
        assert not re.search(r"[A-Za-z]{3,}", rest), f"English left in {target!r}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_the_committed_mo_is_the_compiled_po(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make translations"
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo))}
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(path)) if e.msgid}
    assert {k: v for k, v in compiled.items() if k[1]} == source, "the .mo is stale: run make translations and commit it"


@pytest.mark.parametrize("english, chinese", [
    ("Your pages and snippets in a workflow", "您在工作流中的页面和片段"),
    ("Go to the first error", "转到第一处错误"),
    ("By %(filter_title)s", "按%(filter_title)s"),
    ("%(label)s and Publish", "%(label)s并发布"),
    ("The slug '%(page_slug)s' is already in use within the parent page.", "缩略名“%(page_slug)s”已被同一上级页面下的其他页面使用。"),
    ("The page could not be created due to validation errors.", "页面有校验错误，未能创建。"),
])
def test_the_admin_speaks_chinese(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese


def test_plural_strings_are_chinese():
    with translation.override("zh-hans"):
        text = translation.ngettext(
            '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>', 3,
        ) % {"total": 3, "site_name": "精康"}
    assert text == '3 个页面<span class="w-sr-only">（创建于精康）</span>'
