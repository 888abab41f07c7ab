"""Liveness for load balancers, and a plain 503 instead of an error page while the
database is down."""

import sys
import threading
import time

import psycopg
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

UNAVAILABLE = "服务暂时不可用：数据库正在恢复，请稍后刷新。"
RETRY_SECONDS = "5"


class Breaker:
    """Whether this process has just found the database gone (a circuit breaker).

    While PostgreSQL is down, each request would spend the connection pool's timeout
    (seconds) finding that out, and the requests queued behind it longer still. Once
    one request has found it, the others are answered 503 at once for ``seconds``;
    then a single request tries the database again while the rest still get 503, and
    its success closes the breaker.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.open_until: float | None = None  # None: closed, requests pass
        self._trial = threading.Lock()

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.seconds

    def reset(self) -> None:
        self.open_until = None

    def __call__(self, get_response):
        def middleware(request):
            open_until = self.open_until
            if open_until is None or request.path_info == "/healthz":
                return get_response(request)
            if time.monotonic() < open_until or not self._trial.acquire(blocking=False):
                return unavailable()
            try:
                response = get_response(request)
            finally:
                self._trial.release()
            if response.status_code != 503:
                self.reset()
            return response

        return middleware


breaker = Breaker(seconds=1.0)


def unavailable() -> HttpResponse:
    response = HttpResponse(UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = RETRY_SECONDS
    return response


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        breaker.trip()
        response = JsonResponse({"status": "unavailable", "database": False}, status=503)
        response["Retry-After"] = RETRY_SECONDS
        return response
    breaker.reset()
    return JsonResponse({"status": "ok", "database": True})


def database_gone(error: BaseException | None) -> bool:
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
    if database_gone(sys.exc_info()[1]):
        breaker.trip()
        return unavailable()
    return server_error(request, *args, **kwargs)
