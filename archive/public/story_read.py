"""A public story and everything its page shows of it, read by four fixed statements.

The story page is the site's long tail: every story is asked for about as often as any
other, so the page cache rarely holds it and each request reads the story afresh. The
ORM's reading of it (the story with its section and first page area, a prefetch of its
regions, one of its photos, then the credits of both) cost about 10 ms of interpreter
time a page in building and compiling the four querysets, against 3 ms for PostgreSQL
to run them. The statements are the same four, the first also finding the story's
neighbours in print; here their SQL is written once per process from the models' own
columns, PostgreSQL plans them once per connection, and the rows become model instances
the way the ORM's iterable makes them (``archive.models.rows``). Its regions are read as
a list page's are (``attach_regions``).

The visibility rule is ``archive.models.visibility``'s, in its SQL form
(``public_sql``); ``tests/test_story_page.py`` holds this read to the ORM's.
"""

import functools

from django.db import connections, router

from archive.models import (
    Article,
    Contributor,
    Credit,
    EditionPage,
    Photo,
    Section,
    StoryArea,
    rows,
)
from archive.models.articles import attach_regions
from archive.models.visibility import public_sql
from archive.public.print_edition import UNNUMBERED


def read(pk: int) -> Article | None:
    """The public story ``pk`` with its section, regions, photos and credits, as
    ``Article.objects.published()`` would give it with them prefetched; None if it is
    not public or not there. ``area_day`` and ``area_page``: its first marked area's page;
    ``neighbours``: the public stories before and after it in print (each None at an end)."""
    # The database the ORM would read it from: the replica for an anonymous reader.
    connection = connections[router.db_for_read(Article)]
    low, high = connection.ops.integer_field_range(Article._meta.pk.get_internal_type())
    if not low <= pk <= high:  # no such id (and SQLite refuses such a parameter)
        return None
    with rows.hand_cursor(connection) as cursor:
        # One rule, at one moment, for the story and its neighbours.
        visible, params = public_sql("a", connection)
        before, after = (public_sql(alias, connection)[0] for alias in ("b", "n"))
        cursor.execute(
            _story_sql().format(visible=visible, visible_before=before, visible_after=after),
            [*params, *params, *params, pk],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        article, section, rest = rows.split(connection, row, Article, Section)
        (area_day, area_page), neighbours = rest[:2], (rest[2:6], rest[6:10])
        attach_regions([article], connection, cursor)
        cursor.execute(_photos_sql(), [pk])
        photos = [rows.instance(connection, Photo, row) for row in cursor.fetchall()]
        cursor.execute(_credits_sql(), [pk, pk])
        credits = []
        for row in cursor.fetchall():
            credit, contributor, _ = rows.split(connection, row, Credit, Contributor)
            credit.contributor = contributor
            credits.append(credit)

    article.section = section if article.section_id is not None else None
    article.area_day, article.area_page = area_day, area_page
    article.neighbours = tuple(
        None if pk is None else _neighbour(article.edition_date, pk, headline, number, name)
        for pk, headline, number, name in neighbours
    )
    rows.prefetched(article, "photos", photos)
    rows.prefetched(article, "credits", [c for c in credits if c.photo_id is None])
    for photo in photos:
        rows.prefetched(photo, "credits", [c for c in credits if c.photo_id == photo.pk])
    return article


def _neighbour(day, pk: int, headline: str, page_number, page_name: str) -> Article:
    return Article(
        pk=pk, headline=headline, edition_date=day, page_number=page_number, page_name=page_name
    )


# The statements ----------------------------------------------------------------------


@functools.cache
def _story_sql() -> str:
    # The story's first marked area: by page number, then the area's order (as
    # ``StoryArea.objects.page_urls``).
    first_area = (
        f"FROM {rows.table(StoryArea)} sa JOIN {rows.table(EditionPage)} p ON p.id = sa.page_id"
        ' WHERE sa.article_id = a.id ORDER BY p.page_number, sa."order", sa.id LIMIT 1'
    )
    neighbour = "n.id, n.headline, n.page_number, n.page_name"
    return (
        f"SELECT {rows.columns(Article, 'a')}, {rows.columns(Section, 's')},"
        f" (SELECT p.edition_date {first_area}), (SELECT p.page_number {first_area}),"
        f" {neighbour.replace('n.', 'pv.')}, {neighbour.replace('n.', 'nx.')}"
        f" FROM {rows.table(Article)} a LEFT JOIN {rows.table(Section)} s ON s.id = a.section_id"
        f" LEFT JOIN {rows.table(Article)} pv ON pv.id = {_neighbour_sql('b', before=True)}"
        f" LEFT JOIN {rows.table(Article)} nx ON nx.id = {_neighbour_sql('n', before=False)}"
        " WHERE {visible} AND a.id = %s"
    )


def _neighbour_sql(alias: str, *, before: bool) -> str:
    """The id of the public story before (or after) ``a`` in its edition, in page order
    (``print_edition.in_page_order``: page number, unnumbered pages last, then id): a
    range of the print index, the day's stories, sorted for one."""

    def order(table: str) -> str:
        return f'COALESCE({table}."page_number", {UNNUMBERED})'

    side, direction = ("<", " DESC") if before else (">", "")
    visible = "{visible_before}" if before else "{visible_after}"
    return (
        f"(SELECT {alias}.id FROM {rows.table(Article)} {alias}"
        f" WHERE {alias}.edition_date = a.edition_date AND {visible}"
        f" AND ({order(alias)} {side} {order('a')}"
        f" OR ({order(alias)} = {order('a')} AND {alias}.id {side} a.id))"
        f" ORDER BY {order(alias)}{direction}, {alias}.id{direction} LIMIT 1)"
    )


@functools.cache
def _photos_sql() -> str:
    return (
        f"SELECT {rows.columns(Photo, 'p')} FROM {rows.table(Photo)} p"
        ' WHERE p.article_id = %s ORDER BY p."order", p.id'
    )


@functools.cache
def _credits_sql() -> str:
    # A story's bylines and its photos' credits at once, in their order. Two branches,
    # not one OR across both (which PostgreSQL answers by reading every credit); a
    # credit is on a story or on a photo, never both (credit_on_article_xor_photo).
    select = (
        f"SELECT {rows.columns(Credit, 'c')}, {rows.columns(Contributor, 'k')}"
        f" FROM {rows.table(Credit)} c"
    )
    contributor = f" JOIN {rows.table(Contributor)} k ON k.id = c.contributor_id"
    fields = [field.name for field in Credit._meta.concrete_fields]
    order, pk = fields.index("order") + 1, fields.index("id") + 1
    return (
        f"{select}{contributor} WHERE c.article_id = %s"
        f" UNION ALL {select} JOIN {rows.table(Photo)} p ON p.id = c.photo_id{contributor}"
        f" WHERE p.article_id = %s ORDER BY {order}, {pk}"
    )
