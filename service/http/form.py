"""Reading the parameters of an HTTP API call: query string and form body.

Afilnet's client libraries send GET query strings, url-encoded POSTs and (PHP's
curl with an array) multipart POSTs; all three are accepted. A parameter given
twice, a body that is not a form, input that is not UTF-8 (or declares another
charset, for the body or a part) or a file upload is MALFORMED_REQUEST:
guessing which value was meant is how injection starts.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qsl

import multipart

from ..errors import ErrorCode, UserApiError

MAX_FIELDS = 64
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_UTF8 = frozenset({"utf-8", "utf8"})


def _malformed() -> UserApiError:
    return UserApiError(ErrorCode.MALFORMED_REQUEST)


def _pairs_from_urlencoded(raw: bytes) -> list[tuple[str, str]]:
    try:
        text = raw.decode("ascii")
        return parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except (UnicodeError, ValueError):
        raise _malformed() from None


def _utf8(charset: str | None) -> bool:
    """True when a declared charset (None: none declared) is UTF-8."""
    return charset is None or charset.strip().lower() in _UTF8


def _pairs_from_multipart(options: dict[str, str], body: bytes) -> list[tuple[str, str]]:
    boundary = options.get("boundary", "")
    if not boundary:
        raise _malformed()
    parser = multipart.MultipartParser(
        io.BytesIO(body), boundary, len(body), charset="utf-8", strict=True, part_limit=MAX_FIELDS
    )
    pairs = []
    try:
        for part in parser:
            if part.filename is not None or not _utf8(part.charset):
                raise _malformed()
            pairs.append((part.name, part.value))
    except (multipart.MultipartError, UnicodeError, ValueError):
        raise _malformed() from None
    return pairs


def read_params(environ: dict[str, Any], body: bytes) -> dict[str, str]:
    """Every parameter of the call, from the query string and a form body."""
    # WSGI hands the query string over as latin-1 text of the raw bytes.
    query = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    pairs = _pairs_from_urlencoded(query)
    if body:
        content_type, options = multipart.parse_options_header(environ.get("CONTENT_TYPE", ""))
        if not _utf8(options.get("charset")):
            raise _malformed()
        if content_type == _FORM:
            pairs += _pairs_from_urlencoded(body)
        elif content_type == _MULTIPART:
            pairs += _pairs_from_multipart(options, body)
        else:
            raise _malformed()
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params or len(params) >= MAX_FIELDS:
            raise _malformed()
        params[name] = value
    return params
