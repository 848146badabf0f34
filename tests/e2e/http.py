"""Helpers to call the JSON transports."""

from __future__ import annotations

from typing import Any

import requests

from tests.e2e.conftest import RunningServer


def http_call(
    server: RunningServer,
    method: str,
    params: dict[str, Any],
    *,
    path: str = "/api/http/",
    how: str = "get",
    **kwargs: Any,
) -> requests.Response:
    """Call ``class=user`` ``method`` by GET, url-encoded POST or multipart POST."""
    fields = {"class": "user", "method": method, **params}
    fields = {k: v for k, v in fields.items() if v is not None}
    url = f"{server.url}{path}"
    if how == "get":
        return requests.get(url, params=fields, timeout=10, **kwargs)
    if how == "form":
        return requests.post(url, data=fields, timeout=10, **kwargs)
    files = {name: (None, str(value)) for name, value in fields.items()}
    return requests.post(url, files=files, timeout=10, **kwargs)


def outcome(response: requests.Response) -> Any:
    """The result of a SUCCESS, or the error code of an ERROR (always HTTP 200)."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    if body["status"] == "SUCCESS":
        assert set(body) == {"status", "result"}
        return body["result"]
    assert body["status"] == "ERROR" and set(body) == {"status", "error"}, body
    return body["error"]
