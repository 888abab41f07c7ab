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

# Sentence ends, and the closing quotes and brackets that may follow them.
_ENDS = "。！？!?…；;"
_CLOSERS = "”’」』）)》】"
# Words that open a sentence by leaning on the one before: a story starting with one
# has lost its opening (to another page, most often).
CONNECTIVES = (
    "另外", "此外", "同时", "与此同时", "而且", "但是", "然而", "不过", "因此", "所以", "并且",
    "其次", "再次", "最后", "对此", "为此", "此后", "随后", "另一方面", "而", "但", "并",
)  # fmt: skip
_TEXT = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends where a sentence does (。！？…； possibly inside quotes)."""
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _ENDS


def leans_back(text: str) -> str | None:
    """The connective ``text`` opens with, if it opens by leaning on what came before."""
    for word in sorted(CONNECTIVES, key=len, reverse=True):
        if text.startswith(word) and (len(word) > 1 or text[1:2] in "，,"):
            return word
    return None


@functools.cache
def _segmenter():
    import jieba  # loads its dictionary (about a second) on first use only

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def word_across(left: str, right: str) -> int:
    """How strongly a word spans the join of ``left``'s end and ``right``'s start:
    2 if the segmenter cuts a word across it, 1 if the dictionary holds one, else 0."""
    tail, head = left.rstrip()[-4:], right.lstrip()[:4]
    if not tail or not head or not _TEXT.match(tail[-1]) or not _TEXT.match(head[0]):
        return 0
    jieba = _segmenter()
    position = 0
    for word in jieba.cut(tail + head, HMM=False):
        if position < len(tail) < position + len(word):
            return 2
        position += len(word)
    frequencies = jieba.dt.FREQ
    for i in range(1, len(tail) + 1):
        for j in range(1, len(head) + 1):
            if i + j >= 2 and frequencies.get(tail[-i:] + head[:j]):
                return 1
    return 0


def join(left: str, right: str) -> str:
    """Two pieces of one paragraph as one, a space kept only between Latin words."""
    left, right = left.rstrip(), right.lstrip()
    if left and right and all(c.isascii() and c.isalpha() for c in (left[-1], right[0])):
        return left + " " + right
    return left + right
