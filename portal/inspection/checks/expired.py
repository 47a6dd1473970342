"""过期内容仍作现行展示: withdrawn policies presented as current.

A live public page links to a policy marked 废止 without saying so: neither
the link's text nor the words right after it (nor, for a link block, its
title and text) mention 废止/失效.

Past events need no check: the site labels an event 活动预告 only until its
date and 活动回顾 after (OutreachPage.kind_label).
"""

from wagtail.models import Page

from portal.pages.models import PolicyPage, PolicyStatus

from ..indicators import Indicator, page_item
from ..references import references_from, target_ids, text_around

WITHDRAWN = (PolicyStatus.REPEALED,)
# Words that tell the reader a document no longer applies.
SAYS_WITHDRAWN = ("废止", "失效", "作废", "停止执行", "不再执行")


def withdrawn_policy_links(scope):
    references = references_from(scope.live_public_pages, Page)
    withdrawn = {p.pk: p for p in PolicyPage.objects.filter(pk__in=target_ids(references), status__in=WITHDRAWN)}
    references = [r for r in references if r.target_id.isdigit() and int(r.target_id) in withdrawn]
    sources = {p.pk: p for p in Page.objects.filter(pk__in={r.source_id for r in references}).specific()}
    items, seen = [], set()
    for ref in references:
        source, policy = sources[ref.source_id], withdrawn[int(ref.target_id)]
        if (source.pk, policy.pk) in seen or source.pk == policy.pk:
            continue
        if any(word in text_around(source, ref.content_path, policy.pk) for word in SAYS_WITHDRAWN):
            continue
        seen.add((source.pk, policy.pk))
        status = policy.get_status_display()
        items.append(page_item(source, f"链接到已{status}的《{policy.title}》，但没有注明已{status}"))
    return items


def find(scope):
    return withdrawn_policy_links(scope)


INDICATOR = Indicator(
    code="expired",
    label="过期内容仍作现行展示",
    single_veto=False,
    basis="链接已废止、失效的文件时应注明（已举办的活动由网站自动标为“活动回顾”）。",
    find=find,
)
