"""The envelope reader's limits hold whatever the document's encoding.

Where markup is ASCII the reader trusts the bytes to bound a document's tags
and to tell whether it names ``href``; every other encoding gets the walk.
"""

from __future__ import annotations

import pytest

from service.errors import ErrorCode, UserApiError
from service.soap.envelope import MAX_DEPTH, MAX_ELEMENTS, SOAP11_ENV, read_request

NS = "urn:usermanagement:user:v1"
ENCODINGS = ("UTF-8", "ISO-8859-1", "UTF-16", "UTF-16-LE")


def document(call: str, encoding: str) -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<s:Envelope xmlns:s="{SOAP11_ENV}" xmlns:u="{NS}"><s:Body>{call}</s:Body></s:Envelope>'
    )
    data = text.encode(encoding.lower())
    return b"\xff\xfe" + data if encoding == "UTF-16-LE" else data


def refused(data: bytes) -> bool:
    try:
        read_request(data, SOAP11_ENV)
    except UserApiError as error:
        assert error.code is ErrorCode.MALFORMED_REQUEST
        return True
    return False


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_plain_call_is_read(encoding: str) -> None:
    call = (
        "<u:getbalance><u:user>a@example.com</u:user>"
        "<u:password>é-secret</u:password></u:getbalance>"
    )
    request = read_request(document(call, encoding), SOAP11_ENV)
    assert request.parameters["password"].text == "é-secret"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_too_deep_is_refused(encoding: str) -> None:
    levels = MAX_DEPTH - 2  # Envelope and Body are two of them
    assert not refused(
        document(
            "<u:getbalance>" + "<x>" * (levels - 1) + "</x>" * (levels - 1) + "</u:getbalance>",
            encoding,
        )
    )
    assert refused(
        document("<u:getbalance>" + "<x>" * levels + "</x>" * levels + "</u:getbalance>", encoding)
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_too_many_elements_are_refused(encoding: str) -> None:
    fits = MAX_ELEMENTS - 4  # Envelope, Body, the call and the one element holding them

    def call(count: int) -> str:
        return "<u:getbalance><u:user>" + "<x/>" * count + "</u:user></u:getbalance>"

    assert not refused(document(call(fits), encoding))
    assert refused(document(call(fits + 1), encoding))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_multi_reference_is_refused(encoding: str) -> None:
    assert refused(document('<u:getbalance><u:user href="#id1"/></u:getbalance>', encoding))
    # The word in text or in another attribute's name is no multi-reference.
    assert not refused(document("<u:getbalance><u:user>href</u:user></u:getbalance>", encoding))
