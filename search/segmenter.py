"""Chinese segmentation shared by every search backend.

Default full-text tokenizers get Chinese wrong: SQLite FTS5 and PostgreSQL keep
an unbroken run of Han characters as one token, Elasticsearch's standard
analyzer splits it into single characters. So the text is segmented here, in
Python, with jieba-rs (through ``rjieba``) plus a domain dictionary, and the
backends only ever see space-separated words:

* ``index_words(text)``: words for the word columns (jieba's search mode, every
  domain-dictionary word found in the text, numbers with their unit such as
  "2025年");
* ``grams(text)``: single Han characters and Han bigrams, a recall net for
  words that jieba cut differently in the document than in the query;
* ``query_terms(q)``: the words a user typed, cut the same way; a document
  matches when every term is found, either as a word or as all of its grams.

``rjieba`` has no API for a user dictionary, so the dictionary is applied
around it: dictionary words are cut out first (longest match) and the rest is
handed to jieba.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import rjieba

DICTIONARY_PATH = Path(__file__).with_name("dictionary.txt")

# CJK Unified Ideographs (+ extension A and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{HAN}]+")
_TOKEN_PIECE = re.compile(f"[{HAN}]+|[0-9a-z]+")
_WORDISH = re.compile(f"[{HAN}0-9a-z]")
# PDF extraction and sloppy typing leave spaces and line breaks inside words
# ("精康融合行\n动", "2025 年"); Chinese puts no spaces between words.
_SPACE_IN_CHINESE = re.compile(f"(?<=[{HAN}0-9])\\s+(?=[{HAN}])|(?<=[{HAN}])\\s+(?=[0-9])")
_NUMBER_WITH_UNIT = re.compile("[0-9]+[年月日号期届批项]")
_UNIT_CHARS = frozenset("年月日号期届批项")

# Single-character function words dropped from queries (never from documents).
STOP_CHARS = frozenset("的了和与及或在是对等为之把被也就都而并其以于个吗呢吧啊着从向")

MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 12

_jieba = rjieba.Jieba()


@lru_cache(maxsize=1)
def dictionary():
    """The domain words, longest first."""
    words = set()
    for line in DICTIONARY_PATH.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(normalize(word))
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _dictionary_index():
    by_first = {}
    for word in dictionary():
        by_first.setdefault(word[0], []).append(word)
    return by_first


def normalize(text):
    """NFKC (full-width digits and letters to ASCII), lower case, no spaces inside Chinese."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return _SPACE_IN_CHINESE.sub("", text)


def _is_wordish(token):
    return bool(_WORDISH.search(token))


def _split_dictionary(text):
    """Yield (piece, is_dictionary_word) with dictionary words cut out, longest match first."""
    by_first = _dictionary_index()
    buffer_start = 0
    i = 0
    n = len(text)
    while i < n:
        match = None
        for word in by_first.get(text[i], ()):
            if text.startswith(word, i):
                match = word
                break
        if match:
            if buffer_start < i:
                yield text[buffer_start:i], False
            yield match, True
            i += len(match)
            buffer_start = i
        else:
            i += 1
    if buffer_start < n:
        yield text[buffer_start:], False


def cut(text):
    """Precise segmentation with the domain dictionary: the words of ``text`` in order."""
    words = []
    for piece, is_word in _split_dictionary(normalize(text)):
        if is_word:
            words.append(piece)
        else:
            words.extend(t for t in _jieba.cut(piece, False) if _is_wordish(t))
    return _merge_number_units(words)


def _merge_number_units(words):
    """["2025", "年"] → ["2025年"]: users type years and dates as one word."""
    merged = []
    for word in words:
        if merged and word and word[0] in _UNIT_CHARS and merged[-1].isdigit():
            merged[-1] += word[0]
            rest = word[1:]
            if rest:
                merged.append(rest)
        else:
            merged.append(word)
    return merged


def _word_tokens(token):
    """Index-side expansion of one token: itself, and its pieces when it mixes scripts."""
    token = token.strip()
    if not token or not _is_wordish(token):
        return []
    pieces = _TOKEN_PIECE.findall(token)
    if len(pieces) <= 1:
        return pieces
    return [token, *pieces]


def index_words(text):
    """The words of a document for the word columns (repeats kept: they weigh in ranking)."""
    text = normalize(text)
    if not text:
        return []
    words = []
    for piece, is_word in _split_dictionary(text):
        if is_word:
            words.append(piece)
            # Its parts as well ("康复驿站" → 康复, 驿站) so shorter queries find it.
            words.extend(t for t in _jieba.cut_for_search(piece, False) if t != piece and _is_wordish(t))
        else:
            for token in _jieba.cut_for_search(piece, True):
                words.extend(_word_tokens(token))
    # Dictionary words that straddle a cut made above ("社区康复驿站" holds 康复驿站 too).
    for word in dictionary():
        extra = text.count(word) - words.count(word)
        if extra > 0:
            words.extend([word] * extra)
    words.extend(_NUMBER_WITH_UNIT.findall(text))
    return words


def grams(text):
    """Single Han characters and Han bigrams, plus runs of ASCII letters and digits."""
    text = normalize(text)
    out = []
    for piece in _TOKEN_PIECE.findall(text):
        if "0" <= piece[0] <= "9" or "a" <= piece[0] <= "z":
            out.append(piece)
            continue
        out.extend(piece)
        out.extend(piece[i:i + 2] for i in range(len(piece) - 1))
    return out


def term_grams(term):
    """The grams that must all be present for ``term`` to count as found."""
    out = []
    for piece in _TOKEN_PIECE.findall(normalize(term)):
        if len(piece) == 1 or not _HAN_RUN.fullmatch(piece):
            out.append(piece)
        else:
            out.extend(piece[i:i + 2] for i in range(len(piece) - 1))
    return list(dict.fromkeys(out))


def query_terms(query):
    """The terms of a user's query: segmented, stop characters dropped, at most 12."""
    text = unicodedata.normalize("NFKC", str(query or "")).lower()[:MAX_QUERY_CHARS]
    terms = []
    # Spaces the user typed separate terms; inside a part, jieba cuts.
    for part in text.split():
        terms.extend(_part_terms(part))
    if len(terms) > 1:
        kept = [t for t in terms if t not in STOP_CHARS]
        terms = kept or terms
    return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]


def _part_terms(part):
    terms = []
    glued = False  # is terms[-1] a run of single characters jieba could not place?
    for word in cut(part):
        cleaned = "".join(_TOKEN_PIECE.findall(word))
        if not cleaned:
            glued = False
            continue
        single = len(cleaned) == 1 and _HAN_RUN.fullmatch(cleaned) and cleaned not in STOP_CHARS
        if single and glued:
            # An unknown name ("铁东") comes back as single characters: keep it one term.
            terms[-1] += cleaned
        else:
            terms.append(cleaned)
        glued = bool(single)
    return terms


def highlight_terms(query):
    """Strings to mark in result text: the query terms, longest first."""
    return sorted(query_terms(query), key=len, reverse=True)
