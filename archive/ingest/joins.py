"""Telling where a broken sentence goes on: line ends, line starts and word evidence.

OCR reads a page column block by column block, in an order of its own, and a block
may stop mid-sentence, even mid-word ("…发" here, "挥平台招商…" far away). A line
that does not end a sentence continues in the line that picks it up; where several
could, a word spanning the join (发+挥 makes 发挥, a word the segmenter knows; 发+另
makes none) tells which.
"""

import functools
import logging
import re
from pathlib import Path

# Sentence ends, and the closing quotes and brackets that may follow them.
_ENDS = "。！？!?…；;"
_CLOSERS = "”’」』）)》】"
# Words that open a sentence by leaning on the one before: a story starting with one
# has lost its opening (to another page, most often).
CONNECTIVES = (
    "另外", "此外", "同时", "与此同时", "而且", "但是", "然而", "不过", "因此", "所以", "并且",
    "其次", "再次", "最后", "对此", "为此", "此后", "随后", "另一方面", "而", "但", "并",
)  # fmt: skip
NEWS_WORDS = Path(__file__).with_name("news_words.txt")
_TEXT = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends where a sentence does (。！？…； possibly inside quotes)."""
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _ENDS


_LONGEST_FIRST = sorted(CONNECTIVES, key=len, reverse=True)


@functools.lru_cache(maxsize=8192)
def leans_back(text: str) -> str | None:
    """The connective ``text`` opens with, if it opens by leaning on what came before."""
    for word in _LONGEST_FIRST:
        if text.startswith(word) and (len(word) > 1 or text[1:2] in "，,"):
            return word
    return None


@functools.cache
def _segmenter():
    import jieba  # loads its dictionary (about a second) on first use only

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for line in NEWS_WORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, frequency = line.split()
            jieba.add_word(word, int(frequency))
    return jieba


def word_across(left: str, right: str) -> int:
    """How strongly a word spans the join of ``left``'s end and ``right``'s start, by
    how much better the segmenter's dictionary reads the two as one text than apart:
    2 markedly (农家 + 乐 makes 农家乐, 发 + 挥 makes 发挥), 1 a little (用地 + 理清
    holds 地理, but only by breaking 用地), else 0."""
    return _across(left.rstrip()[-4:], right.lstrip()[:4])


@functools.lru_cache(maxsize=4096)  # the parser asks about the same line ends often
def _across(tail: str, head: str) -> int:
    gain = _gain(tail, head)
    return 2 if gain >= _STRONG else 1 if gain >= _WEAK else 0


def end_of(text: str) -> str:
    """The piece of a line's end that ``across`` reads."""
    return text.rstrip()[-4:]


def start_of(text: str) -> str:
    """The piece of a line's start that ``across`` reads."""
    return text.lstrip()[:4]


def across(ends: list[str], start: str) -> int:
    """How strongly a word spans from any of ``ends`` (``end_of`` lines) to ``start``
    (a ``start_of``): 2 markedly (``word_across``), 1 probably (``likely_across``)."""
    gain = max((_gain(end, start) for end in ends), default=0.0)
    return 2 if gain >= _STRONG else 1 if gain >= _LIKELY else 0


def likely_across(left: str, right: str) -> bool:
    """A word probably spans the join, though less markedly than ``word_across`` 2
    asks (香菇多 + 糖等 holds 多糖): evidence enough where nothing else competes."""
    return _gain(left.rstrip()[-4:], right.lstrip()[:4]) >= _LIKELY


@functools.lru_cache(maxsize=4096)
def _gain(tail: str, head: str) -> float:
    if not tail or not head or not _TEXT.match(tail[-1]) or not _TEXT.match(head[0]):
        return 0.0
    return _fit(tail + head) - _fit(tail) - _fit(head)


# Log-probability gains, measured on the sample page and tests/pages: real joins gain
# 4 to 11 (出+生 is the least, both being words on their own); chance ones up to 2.7.
_STRONG, _WEAK, _LIKELY = 3.5, 1.0, 2.0


def _fit(text: str) -> float:
    """The log-probability of ``text``'s likeliest segmentation into dictionary words."""
    tokenizer = _segmenter().dt
    route: dict = {}
    tokenizer.calc(text, tokenizer.get_DAG(text), route)
    return route[0][0]


def open_quote(text: str) -> bool:
    """Whether ``text`` leaves a quotation open (“ without its ”)."""
    return text.count("“") > text.count("”")


def closes_first(text: str) -> bool:
    """Whether ``text`` closes a quotation before it opens one: it carries on a quote
    begun elsewhere (…新款，| 我们每个月都要上新。”)."""
    close, start = text.find("”"), text.find("“")
    return close >= 0 and (start < 0 or close < start)


def join(left: str, right: str) -> str:
    """Two pieces of one paragraph as one, a space kept only between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if left and right and all(c.isascii() and c.isalpha() for c in (left[-1], right[0])):
        return left + " " + right
    return left + right
