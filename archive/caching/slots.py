"""Slots for making uncached pages, shared by every server process on the machine.

A cached page costs a few milliseconds; a page made afresh at a million stories costs
tens to hundreds (a search), most of it CPU in this process and in PostgreSQL. A
burst of distinct URLs (``?q=`` with random words, every sitemap page) made them all
at once and took the cores from the readers of cached pages: on
two cores their p99 went from 26 ms to half a second. So at most ``count`` pages are
made at once on the machine (default: one core fewer than it has), each slot a lock
file (``flock``, released by the kernel if a process dies); and at most ``threads - 1``
requests of a process wait for or hold one, so a thread of every process is always
free to serve cached pages. A page that gets no slot within ``wait`` seconds is a 503
with Retry-After. Story pages take none (``cached_page(bounded=True)``): a few lookups
by key each, whatever the archive's size, and with one slot the long tail of readers
arriving at stories from links got 503 for 96% of its requests.
"""

import fcntl
import os
import random
import threading
import time
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.025


class Slots:
    def __init__(self, directory, count: int, per_process: int):
        directory = Path(str(directory))
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = [directory / f"slot-{i}" for i in range(count)]
        for path in self.paths:
            path.touch(exist_ok=True)
        self.in_process = threading.BoundedSemaphore(per_process)

    @contextmanager
    def taken(self, wait: float):
        """Yields True holding a slot, or False if none came within ``wait`` seconds."""
        if not self.in_process.acquire(blocking=False):
            yield False  # this process's other threads stay free for cached pages
            return
        try:
            fd = self._slot(time.monotonic() + wait)
            if fd is None:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        finally:
            self.in_process.release()

    def _slot(self, deadline: float) -> int | None:
        while True:
            for path in random.sample(self.paths, len(self.paths)):
                fd = os.open(path, os.O_RDONLY)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except BlockingIOError:
                    os.close(fd)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)
