"""Liveness for load balancers, and a plain 503 instead of an error page while the
database is down."""

import sys

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

UNAVAILABLE = "服务暂时不可用：数据库正在恢复，请稍后刷新。"
RETRY_SECONDS = "5"


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": False}, status=503)
        response["Retry-After"] = RETRY_SECONDS
        return response
    return JsonResponse({"status": "ok", "database": True})


def _database_gone(error: BaseException | None) -> bool:
    """Whether ``error`` or what caused it is a lost database connection, as Django
    reports it or as the driver raised it (an error surfacing mid-render may come
    unwrapped)."""
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError, psycopg.OperationalError)):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error_or_unavailable(request, *args, **kwargs):
    """The 500 handler: a lost database connection is a 503 with Retry-After (the
    pool reconnects by itself), anything else the usual server error page."""
    if _database_gone(sys.exc_info()[1]):
        response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = RETRY_SECONDS
        return response
    return server_error(request, *args, **kwargs)
