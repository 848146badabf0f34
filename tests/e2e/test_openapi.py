"""The published OpenAPI document: the committed one, valid OpenAPI 3.1, true to the answers."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from service.contract import OPERATIONS
from tests.conftest import Store
from tests.e2e.conftest import RunningServer

COMMITTED = Path(__file__).resolve().parents[2] / "wsdl" / "openapi.json"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def fetch(server: RunningServer) -> bytes:
    response = requests.get(f"{server.url}/api/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.content


def test_served_document_is_the_committed_one(server: RunningServer) -> None:
    assert fetch(server) == COMMITTED.read_bytes(), (
        "The served OpenAPI document differs from wsdl/openapi.json. If the change is "
        "intended, regenerate it: ./dev contract"
    )


def test_document_is_openapi_31_and_names_the_six_methods() -> None:
    document = json.loads(COMMITTED.read_bytes())
    validate(document, cls=OpenAPIV31SpecValidator)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/api/http/", "/api/basic/", "/api/jwt/", "/api/jwt/token"}
    query = {p["name"]: p for p in document["paths"]["/api/http/"]["get"]["parameters"]}
    assert query["class"]["schema"] == {"const": "user"}
    # The document's six (tests/unit/test_catalogue.py).
    assert query["method"]["schema"]["enum"] == list(OPERATIONS)
    schemas = document["components"]["schemas"]
    assert schemas["parameter.namelastname"]["maxLength"] == 200
    assert schemas["parameter.cityid"]["type"] == "integer"
    assert "companyname" not in schemas["call.addaddress"]["required"]
    assert "CITY_NOT_FOUND" in schemas["error"]["properties"]["error"]["enum"]


def test_answers_conform_to_the_document(
    server: RunningServer, store: Store, tmp_path: Path
) -> None:
    """Schemathesis, bounded and deterministic: no server error, every answer as described.

    Every request carries an account's Basic credentials, so /api/basic/ answers
    successes too; the other paths ignore the header or answer its 401.
    """
    basic = base64.b64encode(":".join(store.account("125.50")).encode()).decode()
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{server.url}/api/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--mode",
            "positive",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            "10",
            "--header",
            f"Authorization: Basic {basic}",
            "--generation-deterministic",
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
