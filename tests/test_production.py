"""Production settings: they refuse to start without their secrets, pass Django's
deployment checks, and the site reports its health."""

import http.client
import os
import socket
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from archive.models import Region
from archive.ops import health
from tests.commands import OURS, ROOT, manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-" + "x" * 20,
    "DJANGO_ALLOWED_HOSTS": "xianzhi.example.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def test_deploy_checks_report_nothing_with_the_documented_environment():
    checked = manage("check", "--deploy", env=PRODUCTION)
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    checked = manage("check", env=env)
    assert checked.returncode != 0
    assert missing in checked.stderr


@pytest.mark.parametrize("empty", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_with_an_empty_secret_key_or_host_list(empty):
    checked = manage("check", env=PRODUCTION | {empty: " "})
    assert checked.returncode != 0
    assert f"Set the {empty} environment variable (it is empty)" in checked.stderr


def test_production_reads_without_jit_or_parallel_workers_and_prepares_the_story_read():
    # Production's databases are its own, not base's: each is set up for requests.
    script = (
        "from django.db import connections\n"
        "for alias in ('default', 'replica'):\n"
        "    with connections[alias].cursor() as cursor:\n"
        "        cursor.execute('SHOW jit'); jit = cursor.fetchone()[0]\n"
        "        cursor.execute('SHOW max_parallel_workers_per_gather')\n"
        "        workers = cursor.fetchone()[0]\n"
        "    print(alias, jit, workers, connections[alias].connection.prepare_threshold)\n"
    )
    env = PRODUCTION | {"DATABASE_REPLICA_URL": PRODUCTION["DATABASE_URL"]}
    ran = manage("shell", "--no-imports", "-c", script, env=env)
    assert ran.stdout.splitlines() == ["default off 0 0", "replica off 0 0"], ran.stderr


def test_healthz_answers_a_load_balancer_over_plain_http_without_redirecting():
    # Production redirects every other plain-HTTP request to HTTPS.
    script = (
        "from django.test import Client; c = Client(HTTP_HOST='xianzhi.example.cn'); "
        "print(c.get('/healthz').status_code, c.get('/regions/').status_code)"
    )
    ran = manage("shell", "--no-imports", "-c", script, env=PRODUCTION)
    assert ran.stdout.split() == ["200", "301"], ran.stderr


@pytest.mark.django_db
def test_a_malformed_cursor_is_a_400_logged_in_one_line(client, caplog):
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get("/stories/", {"cursor": "not-a-cursor"}).status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    # Django escapes the message (无效的翻页参数。) for the log line.
    escaped = "无效的翻页参数。".encode("unicode_escape").decode()
    assert record.getMessage() == f"{escaped}: /stories/"
    assert record.exc_info is None and "Traceback" not in caplog.text


@pytest.mark.django_db
def test_healthz_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _driver_lost_connection(request):
    # As it surfaced once mid-render during a database restart: the driver's error.
    raise psycopg.OperationalError("consuming input failed: server closed the connection")


def _bug(request):
    raise ValueError("a bug")


def _reads_the_database(request):
    return HttpResponse(str(Region.objects.count()))


urlpatterns = [
    path("down/", _database_down),
    path("driver-down/", _driver_lost_connection),
    path("bug/", _bug),
    path("ok/", _reads_the_database),
    path("healthz", health.healthz),
]
handler500 = "archive.ops.health.server_error_or_unavailable"


@override_settings(ROOT_URLCONF=__name__)
def test_a_lost_database_is_a_503_with_retry_after_not_a_traceback(client):
    client.raise_request_exception = False
    response = client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "数据库" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    health.breaker.reset()  # the handler, not the breaker, answers each of these
    assert client.get("/driver-down/").status_code == 503
    health.breaker.reset()
    bug = client.get("/bug/")
    assert bug.status_code == 500  # other errors stay errors, told in Chinese
    assert "服务器出错了" in bug.content.decode()
    assert health.breaker.open_until is None


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_once_the_database_is_found_gone_requests_get_503_at_once_then_one_tries_again(
    client, django_assert_num_queries
):
    client.raise_request_exception = False
    assert client.get("/ok/").status_code == 200
    assert client.get("/down/").status_code == 503
    # For the next second the process answers without waiting for the database.
    with django_assert_num_queries(0):
        response = client.get("/ok/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    # Then one request tries the database; its success closes the breaker.
    health.breaker.open_until = time.monotonic() - 0.01
    assert client.get("/ok/").status_code == 200
    assert health.breaker.open_until is None
    assert client.get("/ok/").status_code == 200


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_healthz_always_asks_the_database_and_closes_the_breaker(client):
    client.raise_request_exception = False
    assert client.get("/down/").status_code == 503
    assert client.get("/ok/").status_code == 503
    assert client.get("/healthz").status_code == 200  # the database answers again
    assert client.get("/ok/").status_code == 200


@pytest.mark.django_db
def test_public_pages_send_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_with_its_config_and_closes_each_connection():
    """config/gunicorn.py: a worker takes a connection only when a thread is free, and no
    connection is kept alive, so waiting requests queue where every worker reads them."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)} | {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",  # serves static files from the tree
        "GUNICORN_THREADS": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/static/css/site.css")
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status == 200
        assert response.getheader("Connection") == "close"
        assert b"body" in response.read()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    # The worker ran with as many connections as threads, no more.
    assert b"No keepalived connections" not in errors
    printed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "config/gunicorn.py",
         "config.wsgi"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    settings = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(" = ") for line in printed.splitlines())
    }
    assert settings["threads"] == settings["worker_connections"] == "2"
    assert settings["keepalive"] == "0"
