"""A body gunicorn already holds is read without arming the deadline; the rest is not."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import Unreader

from service.app.body import BodyLimits, read_body
from service.errors import HttpError

LIMITS = BodyLimits(max_bytes=1024, read_timeout=2, total_timeout=4)


class Held(Unreader):
    """What gunicorn holds after parsing the head; the socket has nothing more."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.buf.write(data)

    def chunk(self, size_hint: int | None = None) -> bytes:
        return b""


class Untouchable:
    """A client socket whose timeouts must not be changed."""

    def gettimeout(self) -> Any:
        raise AssertionError("the socket was touched")

    settimeout = gettimeout


def environ(held: bytes, announced: int) -> dict[str, Any]:
    return {
        "CONTENT_LENGTH": str(announced),
        "wsgi.input": Body(LengthReader(Held(held), announced)),
        "gunicorn.socket": Untouchable(),
    }


def test_a_body_already_held_is_read_from_memory() -> None:
    assert read_body(environ(b"<a>x</a>", 8), LIMITS) == b"<a>x</a>"


def test_a_body_not_all_held_is_read_under_the_limits() -> None:
    # Announced 20, only 8 held: the guarded path runs (and touches the socket).
    with pytest.raises(AssertionError, match="touched"):
        read_body(environ(b"<a>x</a>", 20), LIMITS)


def test_the_size_cap_comes_first() -> None:
    with pytest.raises(HttpError) as error:
        read_body(environ(b"x" * 100, 100), dataclasses.replace(LIMITS, max_bytes=10))
    assert error.value.status.startswith("413")
