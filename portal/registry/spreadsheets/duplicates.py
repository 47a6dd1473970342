"""Near-duplicate names (可能重复): "铁东区阳光精神康复驿站" next to "铁东区阳光康复驿站".

A new row is flagged when an existing record of the same county has the same
address, or a name whose similarity (rapidfuzz ``fuzz.ratio``, 0–100) is at
least ``THRESHOLD`` once the region's own name is taken off the front (every
name in 铁东区 starts with "铁东区", which would make them all alike).
Names that differ in their numbers ("第一站"/"第二站", "3号"/"4号") are
different places and are not flagged.

Cost: one rapidfuzz ``extractOne`` per new row over the names of its county
(C++), so 10,000 new rows against 10,000 existing ones take a fraction of a
second (benchmarks/import_institutions.py prints the import with the check).
"""

import re
import unicodedata

from rapidfuzz import fuzz, process

THRESHOLD = 85
MAX_CANDIDATES = 3
_NOISE = re.compile(r"[\s·•.,，。、()（）\[\]【】\-—_]+")
_NUMBERS = re.compile(r"[0-9]+|[一二三四五六七八九十百零〇两]+(?=[号站所点分])")


def normalise(text, prefixes=()):
    text = _NOISE.sub("", unicodedata.normalize("NFKC", text or ""))
    for prefix in prefixes:
        if prefix and text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    return text


def numbers(text):
    return tuple(_NUMBERS.findall(text))


class CountyIndex:
    """The existing records of one county, ready to be compared with new rows."""

    def __init__(self, prefixes):
        self.prefixes = prefixes  # e.g. ("鞍山市铁东区", "铁东区")
        self.names, self.records, self.by_address = [], [], {}

    def add(self, pk, name, address):
        self.names.append(normalise(name, self.prefixes))
        self.records.append((pk, name))
        key = normalise(address)
        if len(key) >= 6:  # "铁东区" alone is not an address
            self.by_address.setdefault(key, []).append((pk, name))

    def candidates(self, name, address):
        """[(pk, existing name, reason)] for one new row, best first."""
        found = {}
        for pk, existing in self.by_address.get(normalise(address), ()):
            found[pk] = (pk, existing, "地址相同")
        if self.names:
            wanted = normalise(name, self.prefixes)
            # The closest name only: one C++ pass over the county's names per new row.
            best = process.extractOne(wanted, self.names, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
            if best is not None:
                pk, existing = self.records[best[2]]
                if pk not in found and numbers(best[0]) == numbers(wanted):
                    found[pk] = (pk, existing, "名称相近")
        return list(found.values())[:MAX_CANDIDATES]
