"""Helpers to speak SOAP 1.1 to the server: zeep faults and raw envelopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import zeep.exceptions
from lxml import etree

NS = "urn:usermanagement:user:v1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def fault_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> zeep.exceptions.Fault:
    """The fault a zeep call raises."""
    with pytest.raises(zeep.exceptions.Fault) as caught:
        call(*args, **kwargs)
    return caught.value


def code_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The catalogue code of the fault a zeep call raises, read from its typed detail."""
    fault = fault_of(call, *args, **kwargs)
    code = fault.detail.findtext(f"{{{NS}}}UserServiceFault/{{{NS}}}code")
    if fault.subcodes:  # SOAP 1.2: the code is the Subcode
        assert [q.localname for q in fault.subcodes] == [code]
    else:
        assert fault.code.endswith(f".{code}"), (fault.code, code)
    return code


def envelope(operation: str, body: str) -> bytes:
    """A SOAP 1.1 envelope calling ``operation`` with raw child elements ``body``."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{SOAP_ENV}" xmlns:u="{NS}"><s:Body>'
        f"<u:{operation}>{body}</u:{operation}></s:Body></s:Envelope>"
    ).encode()


def post(url: str, payload: bytes, **headers: str) -> requests.Response:
    """POST raw bytes as a SOAP 1.1 request."""
    return requests.post(
        url,
        data=payload,
        headers={"Content-Type": "text/xml; charset=utf-8", **headers},
        timeout=10,
    )


def raw_fault(response: requests.Response) -> tuple[str | None, str | None, str | None]:
    """(faultcode, faultstring, detail code) of a raw fault response; None where absent."""
    assert response.status_code == 500, response.text
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None, response.text
    return (
        fault.findtext("faultcode"),
        fault.findtext("faultstring"),
        fault.findtext(f"detail/{{{NS}}}UserServiceFault/{{{NS}}}code"),
    )


def fields(**values: Any) -> str:
    """Raw request elements; None gives an empty element."""
    parts = []
    for name, value in values.items():
        parts.append(f"<u:{name}/>" if value is None else f"<u:{name}>{value}</u:{name}>")
    return "".join(parts)


def items(result: Any, name: str) -> list[Any]:
    """The members of a list result ``<list><name/>...</list>``.

    zeep unwraps a wrapper whose only child repeats into a plain list, and gives
    None for an empty wrapper.
    """
    if result is None:
        return []
    return list(result if isinstance(result, list) else getattr(result, name))
