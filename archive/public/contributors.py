"""The contributors' index (/contributors/): those with public stories in pinyin order,
one initial letter at a time or as a name search finds them, a page at a time.

At a million stories there are some 20,000 contributors (2,400 under L alone), so no
page lists them all: a page is a keyset range of ``contributor_pinyin_idx`` (sort key,
id) inside one letter or one search, and each name on it carries its number of public
stories from one grouped read of the listing index (``counts.contributor_story_counts``).
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import BadRequest
from django.db import connections
from django.db.models import Q

from archive.caching import counts
from archive.models import Contributor
from archive.pagination import KeysetPage
from archive.text.folding import fold
from archive.text.pinyin import typed_readings

LETTERS = "abcdefghijklmnopqrstuvwxyz"
OTHER = "#"  # names whose pinyin starts with a digit or a sign: 3D打印工作室
PER_PAGE = 120
MAX_TYPED = 40
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_SLUG = re.compile(r"[a-z0-9-]+")


def initial(letter: str) -> Q:
    """Contributors whose pinyin sort key starts with ``letter`` (or, for ``OTHER``, with
    no letter): a range of the index. Sort keys are lower case; the database compares
    them as bytes (C collation, as the sort key itself assumes: "li an" before "lian")."""
    if letter == OTHER:
        return Q(sort_key__lt=LETTERS[0]) | Q(sort_key__gte=chr(ord(LETTERS[-1]) + 1))
    return Q(sort_key__gte=letter, sort_key__lt=chr(ord(letter) + 1))


def initials() -> list[str]:
    """The letters (and ``OTHER``) that begin a public contributor's pinyin, in order:
    the index offers only those. Cached as counts are, so a rename that takes someone
    to a new letter may wait ``ARCHIVE_COUNT_CACHE_SECONDS`` for its link there (a
    rename leaves the counts' version be)."""
    return counts.cached("contributor-initials", _initials)


def _initials() -> list[str]:
    # One statement of 27 EXISTS, each stopping at the first public name of its letter
    # (3 ms at a million); grouping every public contributor by letter takes 3 s.
    groups = [*LETTERS, OTHER]
    public = Contributor.objects.public()
    using = public.db
    parts, params = [], []
    for letter in groups:
        sql, found = (
            public.filter(initial(letter)).values("pk")[:1].query.get_compiler(using).as_sql()
        )
        parts.append(f"EXISTS ({sql})")
        params += found
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return [letter for letter, present in zip(groups, row, strict=True) if present]


def found_by_name(contributors, typed: str):
    """Those of ``contributors`` a reader means by ``typed``: part of the name in
    Chinese (Traditional folded: 鄭 finds 郑), or pinyin with or without spaces and
    tones (zhengchen, zheng chen, Zhèng) from the start of the name or of any
    syllable (chen finds 郑晨), or the slug."""
    typed = typed.strip()
    folded = fold(typed)
    if not folded:
        return contributors.none()
    found = Q(name__contains=typed) | Q(name__contains=folded)
    if not _CJK.search(folded):
        found |= Q(name__icontains=folded)  # a Latin name: ABC
        for reading in typed_readings(folded):
            found |= Q(slug__startswith=reading) | Q(slug__contains=f"-{reading}")
        if _SLUG.fullmatch(folded):
            found |= Q(slug__startswith=folded)
    return contributors.filter(found)


@dataclass(frozen=True)
class NameCursor:
    """The last (or, going back, first) contributor of a page, by id: the next page
    starts after its place in pinyin order."""

    forward: bool
    pk: int

    def encode(self) -> str:
        return f"{'n' if self.forward else 'p'}{self.pk}"

    @classmethod
    def decode(cls, value: str) -> "NameCursor":
        # isascii: "²".isdigit() is true; 18 digits always fit a bigint.
        number = value[1:]
        if value[:1] not in ("n", "p") or not (number.isascii() and number.isdigit()):
            raise BadRequest("无效的翻页参数。")
        if len(number) > 18:
            raise BadRequest("无效的翻页参数。")
        return cls(value[0] == "n", int(number))


def name_page(contributors, cursor: str | None, *, per_page: int = PER_PAGE) -> KeysetPage:
    """One page of ``contributors`` in pinyin order after (or before) ``cursor``, one
    range scan of the pinyin index; a malformed cursor is a 400. A cursor naming no
    contributor (one deleted since) gives an empty page."""
    position = NameCursor.decode(cursor) if cursor else None
    forward = position.forward if position else True
    if position:
        # Looked up first, not a subquery: PostgreSQL plans a range it can see (the
        # 1,500th name under L: 2 ms; with the key unknown it read the whole letter, 76).
        anchor = Contributor.objects.filter(pk=position.pk).values_list("sort_key", flat=True)
        key = anchor.first()
        if key is None:
            return KeysetPage([], None, None)
        if forward:
            contributors = contributors.filter(sort_key__gte=key).filter(
                Q(sort_key__gt=key) | Q(pk__gt=position.pk)
            )
        else:
            contributors = contributors.filter(sort_key__lte=key).filter(
                Q(sort_key__lt=key) | Q(pk__lt=position.pk)
            )
    order = ("sort_key", "pk") if forward else ("-sort_key", "-pk")
    rows = list(contributors.order_by(*order)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    has_next = more if forward else position is not None
    has_previous = position is not None if forward else more
    return KeysetPage(
        rows,
        NameCursor(True, rows[-1].pk).encode() if has_next else None,
        NameCursor(False, rows[0].pk).encode() if has_previous else None,
    )


def with_story_counts(page: KeysetPage) -> KeysetPage:
    """Each contributor of ``page`` with ``story_count``: their public stories."""
    found = counts.contributor_story_counts([c.pk for c in page])
    for contributor in page:
        contributor.story_count = found.get(contributor.pk, 0)
    return page


class IndexForm(forms.Form):
    """What the index is asked for: a letter (``OTHER`` for names that start with none)
    or a name to find; a value it cannot take is a form error on the page."""

    letter = forms.CharField(required=False, max_length=10)
    q = forms.CharField(
        label="查找作者",
        required=False,
        max_length=MAX_TYPED,
        error_messages={"max_length": f"请输入不超过 {MAX_TYPED} 个字符的姓名或拼音。"},
    )

    def clean_letter(self) -> str:
        letter = self.cleaned_data["letter"].lower()
        if letter and letter not in {*LETTERS, OTHER}:
            raise forms.ValidationError("请选择 A 至 Z 中的一个字母。", code="letter")
        return letter
