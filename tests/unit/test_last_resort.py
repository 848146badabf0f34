"""A failure no adapter answered still reaches the client as the API's coded INTERNAL_ERROR."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree

from service.app.wsgi import UserManagementApp
from service.dispatch.context import RequestContext
from service.domain.api import Api
from tests.conftest import Store

NS = "urn:usermanagement:user:v1"


@pytest.fixture(scope="module")
def app(store: Store) -> UserManagementApp:
    return UserManagementApp(store.core)


def failing(environ: dict[str, Any], start_response: Any, context: RequestContext) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/xml")])  # an answer was started
    raise RuntimeError("/srv/secret/path: SELECT password FROM accounts")


@pytest.mark.parametrize(
    ("api", "content_type", "status"),
    [
        (Api.SOAP11, "text/xml; charset=utf-8", "500 Internal Server Error"),
        (Api.SOAP12, "application/soap+xml; charset=utf-8", "500 Internal Server Error"),
        (Api.HTTP, "application/json; charset=utf-8", "200 OK"),
        (Api.JWT, "application/json; charset=utf-8", "200 OK"),
    ],
)
def test_an_unanswered_failure_is_a_coded_internal_error(
    app: UserManagementApp,
    api: Api,
    content_type: str,
    status: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[tuple[str, dict[str, str], Any]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answers.append((status, dict(headers), exc_info))

    environ = {"REQUEST_METHOD": "POST", "REMOTE_ADDR": "192.0.2.1", "wsgi.input": None}
    body = b"".join(app._logged(environ, start_response, api, failing))
    final_status, headers, exc_info = answers[-1]
    assert (final_status, headers["Content-Type"]) == (status, content_type)
    assert exc_info is not None  # replaces the answer that was started
    assert b"secret" not in body and b"SELECT" not in body
    if api.startswith("soap"):
        assert etree.fromstring(body).findtext(f".//{{{NS}}}code") == "INTERNAL_ERROR"
    else:
        assert json.loads(body) == {"status": "ERROR", "error": "INTERNAL_ERROR"}
    assert "RuntimeError" in caplog.text and "secret" not in caplog.text
