"""Cursor pages for the API: the HTML lists' keyset pages (``archive.pagination``), as JSON,
and the region list's own keyset pages.

No OFFSET and no COUNT: a page costs the same at any depth of a million-story archive.
"""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from archive.public.filters import StoryFilter
from archive.public.lists import filtered_page


class CursorLinks(BasePagination):
    """``next`` and ``previous`` links that carry a cursor; no page numbers, no total."""

    cursor_query_param = "cursor"
    next_cursor: str | None = None
    previous_cursor: str | None = None

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        # From the parameters the view reads (the page cache drops any other), not the
        # raw query string: a cached page's links are the same for every reader.
        query = self.request.query_params.copy()
        query[self.cursor_query_param] = cursor
        return f"{self.request.build_absolute_uri(self.request.path)}?{query.urlencode()}"

    def bad_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: ["无效的翻页参数。"]})

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.next_cursor),
                "previous": self._link(self.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "下一页（按所列顺序往后）；没有则为 null。"},
                "previous": {**link, "description": "上一页；第一页为 null。"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "allowEmptyValue": True,  # empty: the first page
                "description": "翻页游标：取自上一次响应的 next 或 previous 链接，不要自己拼写。",
                "schema": {"type": "string"},
            }
        ]


class StoryCursorPagination(CursorLinks):
    """Stories as /stories/ pages them, ``ARCHIVE_PAGE_SIZE`` a page."""

    def paginate_stories(self, filterset: StoryFilter, request) -> list:
        self.request = request
        try:
            # A valid StoryFilter's stories, paged as /stories/ pages them.
            page = filtered_page(
                filterset.qs,
                filterset.form.cleaned_data,
                request.query_params.get(self.cursor_query_param),
                per_page=settings.ARCHIVE_PAGE_SIZE,
            )
        except BadRequest as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from error
        self.next_cursor, self.previous_cursor = page.next_cursor, page.previous_cursor
        return page.object_list


class RegionCursorPagination(CursorLinks):
    """Regions in code order, ``page_size`` a page, by keyset on (code, first year), which
    the gazetteer keeps unique (a reused code is a second region with a later first year)."""

    page_size = 100
    CURSOR = re.compile(r"([np])(\d{6})\.(\d{4})")

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        cursor = request.query_params.get(self.cursor_query_param, "")
        match = self.CURSOR.fullmatch(cursor) if cursor else None
        if cursor and match is None:
            raise self.bad_cursor()
        forward = match is None or match[1] == "n"
        if match:
            code, year = match[2], int(match[3])
            if forward:
                queryset = queryset.filter(Q(code=code, first_year__gt=year) | Q(code__gt=code))
            else:
                queryset = queryset.filter(Q(code=code, first_year__lt=year) | Q(code__lt=code))
        order = ("code", "first_year") if forward else ("-code", "-first_year")
        rows = list(queryset.order_by(*order)[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if not forward:
            rows.reverse()
        has_next = more if forward else match is not None
        has_previous = match is not None if forward else more
        if rows:
            first, last = rows[0], rows[-1]
            self.next_cursor = f"n{last.code}.{last.first_year}" if has_next else None
            self.previous_cursor = f"p{first.code}.{first.first_year}" if has_previous else None
        return rows
