"""Cursor pages for the API: the HTML lists' keyset pages (``archive.pagination``), as JSON.

No OFFSET and no COUNT: a page costs the same at any depth of a million-story archive.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from archive.public.filters import StoryFilter
from archive.public.lists import filtered_page


class StoryCursorPagination(BasePagination):
    """``next`` and ``previous`` links that carry a cursor; no page numbers, no total."""

    cursor_query_param = "cursor"

    def paginate_stories(self, filterset: StoryFilter, request) -> list:
        self.request = request
        try:
            # A valid StoryFilter's stories, paged as /stories/ pages them.
            self.page = filtered_page(
                filterset.qs,
                filterset.form.cleaned_data,
                request.query_params.get(self.cursor_query_param),
                per_page=settings.ARCHIVE_PAGE_SIZE,
            )
        except BadRequest as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from error
        return self.page.object_list

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "下一页（更旧或按所选顺序往后）；没有则为 null。"},
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
