"""A public story and everything its page shows of it, read by four fixed statements.

The story page is the site's long tail: every story is asked for about as often as any
other, so the page cache rarely holds it and each request reads the story afresh. The
ORM's reading of it (the story with its section and first page area, a prefetch of its
regions, one of its photos, then the credits of both) cost about 10 ms of interpreter
time a page in building and compiling the four querysets, against 3 ms for PostgreSQL
to run them. The statements are the same four; here their SQL is written once per
process from the models' own columns, and the rows become model instances the way the
ORM's iterable makes them (``Model.from_db``, the backend's and fields' converters).

The visibility rule is ``archive.models.visibility``'s, in its SQL form
(``public_sql``); ``tests/test_story_page.py`` holds this read to the ORM's.
"""

import functools

from django.db import connections, router
from django.db.models import Model

from archive.models import (
    Article,
    ArticleRegion,
    Contributor,
    Credit,
    EditionPage,
    Photo,
    Region,
    Section,
    StoryArea,
)
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
    with _cursor(connection) as cursor:
        (visible, params), (before, before_params), (after, after_params) = (
            public_sql(alias, connection) for alias in ("a", "b", "n")
        )
        cursor.execute(
            _story_sql().format(visible=visible, visible_before=before, visible_after=after),
            [*before_params, *after_params, *params, pk],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        article, section, rest = _split(connection, row, Article, Section)
        (area_day, area_page), neighbours = rest[:2], (rest[2:6], rest[6:10])
        cursor.execute(_regions_sql(), [pk])
        links = []
        for row in cursor.fetchall():
            link, region, _ = _split(connection, row, ArticleRegion, Region)
            link.region = region
            links.append(link)
        cursor.execute(_photos_sql(), [pk])
        photos = [_instance(connection, Photo, row) for row in cursor.fetchall()]
        cursor.execute(_credits_sql(), [pk, pk])
        credits = []
        for row in cursor.fetchall():
            credit, contributor, _ = _split(connection, row, Credit, Contributor)
            credit.contributor = contributor
            credits.append(credit)

    article.section = section if article.section_id is not None else None
    article.area_day, article.area_page = area_day, area_page
    article.neighbours = tuple(
        None if pk is None else _neighbour(article.edition_date, pk, headline, number, name)
        for pk, headline, number, name in neighbours
    )
    prefetched(article, "article_regions", links)
    prefetched(article, "photos", photos)
    prefetched(article, "credits", [credit for credit in credits if credit.photo_id is None])
    for photo in photos:
        prefetched(photo, "credits", [credit for credit in credits if credit.photo_id == photo.pk])
    return article


def _neighbour(day, pk: int, headline: str, page_number, page_name: str) -> Article:
    return Article(
        pk=pk, headline=headline, edition_date=day, page_number=page_number, page_name=page_name
    )


def _cursor(connection):
    """A cursor whose statements PostgreSQL plans once per connection.

    PostgreSQL took longer to plan the story's statement than to run it (0.4–0.5 ms
    against 0.2–0.3 on a warm connection, 1.5–2 ms to plan on a new one). Prepared, the
    statements are planned once per pooled connection. Django's own cursors bind
    parameters on the client and never prepare (so an ORM query's plan is always made
    for its values); a cursor that binds on the server prepares what it runs where the
    connection's ``prepare_threshold`` allows (``config.settings.base``). Elsewhere, and
    where queries are logged (DEBUG, a test counting them: the log shows a statement
    with its values only as the client binds them), the connection's usual cursor."""
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    if connection.vendor != "postgresql" or threshold is None or connection.queries_logged:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    # Django's own cursor making (its time zone set as for any cursor), this class.
    usual, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        with connection.wrap_database_errors:
            cursor = connection.create_cursor()
    finally:
        raw.cursor_factory = usual
    return connection._prepare_cursor(cursor)


def prefetched(instance: Model, name: str, objects: list) -> None:
    """Set ``objects`` as the prefetched result of ``instance``'s related manager ``name``."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache, queryset._prefetch_done = objects, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# The statements ----------------------------------------------------------------------


def _table(model: type[Model]) -> str:
    return f'"{model._meta.db_table}"'


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


@functools.cache
def _story_sql() -> str:
    # The story's first marked area: by page number, then the area's order (as
    # ``StoryArea.objects.page_urls``).
    first_area = (
        f"FROM {_table(StoryArea)} sa JOIN {_table(EditionPage)} p ON p.id = sa.page_id"
        ' WHERE sa.article_id = a.id ORDER BY p.page_number, sa."order", sa.id LIMIT 1'
    )
    neighbour = "n.id, n.headline, n.page_number, n.page_name"
    return (
        f"SELECT {_columns(Article, 'a')}, {_columns(Section, 's')},"
        f" (SELECT p.edition_date {first_area}), (SELECT p.page_number {first_area}),"
        f" {neighbour.replace('n.', 'pv.')}, {neighbour.replace('n.', 'nx.')}"
        f" FROM {_table(Article)} a LEFT JOIN {_table(Section)} s ON s.id = a.section_id"
        f" LEFT JOIN {_table(Article)} pv ON pv.id = {_neighbour_sql('b', before=True)}"
        f" LEFT JOIN {_table(Article)} nx ON nx.id = {_neighbour_sql('n', before=False)}"
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
        f"(SELECT {alias}.id FROM {_table(Article)} {alias}"
        f" WHERE {alias}.edition_date = a.edition_date AND {visible}"
        f" AND ({order(alias)} {side} {order('a')}"
        f" OR ({order(alias)} = {order('a')} AND {alias}.id {side} a.id))"
        f" ORDER BY {order(alias)}{direction}, {alias}.id{direction} LIMIT 1)"
    )


@functools.cache
def _regions_sql() -> str:
    return (
        f"SELECT {_columns(ArticleRegion, 'l')}, {_columns(Region, 'r')}"
        f" FROM {_table(ArticleRegion)} l JOIN {_table(Region)} r ON r.id = l.region_id"
        " WHERE l.article_id = %s ORDER BY l.is_primary DESC, r.code"
    )


@functools.cache
def _photos_sql() -> str:
    return (
        f"SELECT {_columns(Photo, 'p')} FROM {_table(Photo)} p"
        ' WHERE p.article_id = %s ORDER BY p."order", p.id'
    )


@functools.cache
def _credits_sql() -> str:
    # A story's bylines and its photos' credits at once, in their order. Two branches,
    # not one OR across both (which PostgreSQL answers by reading every credit); a
    # credit is on a story or on a photo, never both (credit_on_article_xor_photo).
    select = f"SELECT {_columns(Credit, 'c')}, {_columns(Contributor, 'k')} FROM {_table(Credit)} c"
    contributor = f" JOIN {_table(Contributor)} k ON k.id = c.contributor_id"
    fields = [field.name for field in Credit._meta.concrete_fields]
    order, pk = fields.index("order") + 1, fields.index("id") + 1
    return (
        f"{select}{contributor} WHERE c.article_id = %s"
        f" UNION ALL {select} JOIN {_table(Photo)} p ON p.id = c.photo_id{contributor}"
        f" WHERE p.article_id = %s ORDER BY {order}, {pk}"
    )


# Rows as instances ----------------------------------------------------------------------


def _split(connection, row: tuple, *models) -> list:
    """``row`` cut into an instance of each of ``models`` (by its column count), then
    the row's remaining values as one tuple."""
    out, start = [], 0
    for model in models:
        width = len(model._meta.concrete_fields)
        out.append(_instance(connection, model, row[start : start + width]))
        start += width
    return [*out, row[start:]]


def _instance(connection, model: type[Model], values) -> Model:
    """A model instance from a row of its concrete columns, as the ORM's iterable makes
    one: the backend's and the fields' converters applied, then ``from_db``."""
    values = list(values)
    for at, converters, column in _converters(model, connection.alias):
        for converter in converters:
            values[at] = converter(values[at], column, connection)
    return model.from_db(connection.alias, None, values)


@functools.cache
def _converters(model: type[Model], alias: str) -> list:
    """(position, converters, column) for each of ``model``'s columns that has any
    (a JSON field's decoding, SQLite's dates), as ``SQLCompiler.get_converters`` finds them."""
    connection, found = connections[alias], []
    for at, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((at, converters, column))
    return found
