"""gunicorn's settings: ``gunicorn -c config/gunicorn.py config.wsgi``.

Options given on the command line (``--bind``, ``--workers`` …) override these.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# About two per core; each holds its own pool of DJANGO_DB_POOL_MAX connections.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker takes a connection only when one of its threads is free to serve it. The
# others wait in the kernel's accept queue, which every worker reads, first come first
# served. By default a worker accepts up to 1,000 connections and queues them behind
# its own four threads while another worker idles: under load that queue, not the
# pages, made requests wait more than 10 s.
worker_connections = threads
# No keep-alive: a kept-alive connection stays with the worker that accepted it, busy
# or not. The reverse proxy opens one connection per request (nginx's default towards
# upstream servers), which costs little on loopback or a local network.
keepalive = 0

# A request taking longer than this is a bug or an attack; the worker is replaced.
timeout = 30
graceful_timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"


def post_fork(server, worker):
    # A thread serving a cached page (a few milliseconds of Python) shares the
    # interpreter with one making a page afresh (hundreds): with Python's default 5 ms
    # turns it waited several of them. Shorter turns cost the long page little.
    import sys

    sys.setswitchinterval(float(os.environ.get("GUNICORN_SWITCH_INTERVAL", "0.001")))
