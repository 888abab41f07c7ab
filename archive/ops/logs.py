"""Logging for operators: a reader's malformed request is one line, not a traceback."""

import logging

from django.core.exceptions import BadRequest, SuspiciousOperation


class OneLineBadRequests(logging.Filter):
    """Drop the traceback from a 400 that a view raised on purpose (a malformed cursor,
    a suspicious header): the line says what and where; the stack says nothing more.
    A fuzzer's few hundred of them were a few hundred tracebacks at WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], (BadRequest, SuspiciousOperation)):
            record.exc_info = None
            record.exc_text = None
        return True
