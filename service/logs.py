"""Log hygiene: no traceback and no secret in any log line.

A traceback can carry an exception's text (SQL, parameters, a password in a
malformed request) and the server's paths. Records keep the exception's type
and the deepest line of our own code it passed, nothing more. A request line
can carry credentials (the HTTP API takes ``password`` in the query string,
as Afilnet's does), and gunicorn writes it into its error log: the values of
secret parameters are blanked in every message.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime

# The request a line is written for (set by the application around each request).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def where(error: BaseException) -> str:
    """The deepest line of our own code the error passed through, as ``module:line``."""
    location = "unknown"
    tb = error.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] == "service" or location == "unknown":
            location = f"{module}:{tb.tb_lineno}"
        tb = tb.tb_next
    return location


def log_internal_error(error: BaseException, cause: str | None = None) -> None:
    """Record an unexpected error: its type, our line and a fixed phrase for its cause, never
    its text."""
    because = f": {cause}" if cause else ""
    logging.getLogger("service").error(
        "internal error: %s at %s%s",
        type(error).__name__,
        where(error),
        because,
        extra={"error": type(error).__name__},
    )


# At most one line per this many seconds while the database stays unavailable.
UNAVAILABLE_EVERY = 10.0
_unavailable_logged = [float("-inf")]


def log_unavailable(cause: str | None) -> None:
    """Record that a call found the database unavailable, at most every UNAVAILABLE_EVERY s."""
    now = time.monotonic()
    if now - _unavailable_logged[0] < UNAVAILABLE_EVERY:
        return
    _unavailable_logged[0] = now
    logging.getLogger("service").warning(
        "database unavailable: %s", cause or "it did not answer in time"
    )


_SECRET_PARAMETER = re.compile(r"(?i)\b(password|passwd|token|secret|authorization)=[^&\s]*")


def redact(text: str) -> str:
    """``text`` with the values of secret parameters blanked."""
    return _SECRET_PARAMETER.sub(r"\1=[redacted]", text)


class LogHygiene(logging.Filter):
    """Blanks secret parameters and replaces a traceback with the exception's type and place."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, cleaned, with the request it was written for."""
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.error = type(error).__name__
            message = f"{message} ({type(error).__name__} at {where(error)})"
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        record.msg = redact(message)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTER = LogHygiene()


def install(*names: str) -> None:
    """Put the filter on the named loggers (idempotent)."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the request and error class
    when there are some (the record is cleaned by LogHygiene first)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, object] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for extra in ("request_id", "error"):
            value = getattr(record, extra, None)
            if value is not None:
                line[extra] = value
        return json.dumps(line, ensure_ascii=False)


class TextLines(logging.Formatter):
    """Lines for a person: time, level, message, and the request id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of text."""
        request = getattr(record, "request_id", None)
        suffix = f" [request {request}]" if request else ""
        return f"{_time(record)} {record.levelname} {record.getMessage()}{suffix}"


def configure(level: str, fmt: str) -> None:
    """Send the service's own log lines to stderr at ``level``, as JSON or text (idempotent)."""
    logger = logging.getLogger("service")
    logger.setLevel(level)
    logger.propagate = False
    install("service")
    formatter = JsonLines() if fmt == "json" else TextLines()
    for handler in logger.handlers:
        if getattr(handler, "_service", False):
            handler.setFormatter(formatter)
            return
    handler = logging.StreamHandler(sys.stderr)
    handler._service = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter)
    handler.addFilter(_FILTER)
    logger.addHandler(handler)


def formatter(fmt: str) -> dict[str, str]:
    """The ``logging.config`` entry of the formatter ``configure`` uses, for an engine's own
    lines (granian's, gunicorn's): one format on stderr for everything the server writes."""
    return {"()": f"{__name__}.{'JsonLines' if fmt == 'json' else 'TextLines'}"}
