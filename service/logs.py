"""Log hygiene: no traceback in any log line.

A traceback can carry an exception's text (SQL, parameters, a password in a
malformed request) and the server's paths. Records keep the exception's type
and the deepest line of our own code it passed, nothing more.
"""

from __future__ import annotations

import logging


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


class NoTraceback(logging.Filter):
    """Replaces a record's traceback with the exception's type and where it was raised."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without its traceback."""
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(error).__name__} at {where(error)})"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


_FILTER = NoTraceback()


def install(*names: str) -> None:
    """Put the filter on the named loggers (idempotent)."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
