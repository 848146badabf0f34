"""The OpenAPI 3.1 description of the JSON transports, built from the contract table.

One document for the HTTP API (``/api/http/``), the same with HTTP Basic
(``/api/basic/``) and with a JWT bearer token (``/api/jwt/``), and the token
endpoint. Every call answers HTTP 200 with the success or the error object;
Basic and JWT answer 401 with a challenge when their credentials are missing.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..contract import CLASS, OPERATIONS, PARAMETERS, Kind, Operation, Parameter, Shape
from ..domain.address import Address
from ..domain.channel import Channel
from ..errors import ErrorCode

VERSION = "1"
_JSON = "application/json"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_CALL_PATHS = {
    "/api/http/": ("HTTP API", "user and password as parameters", None),
    "/api/basic/": ("HTTP Basic", "credentials in Authorization: Basic", "basic"),
    "/api/jwt/": ("JWT", "a token from POST /api/jwt/token in Authorization: Bearer", "bearer"),
}
_TOKEN_PATH = "/api/jwt/token"  # noqa: S105 (a path)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _parameter_schema(parameter: Parameter) -> dict[str, Any]:
    """A parameter's value: text with its maxLength, a 32-bit id, or a 0/1 flag."""
    if parameter.kind is Kind.TEXT:
        schema: dict[str, Any] = {"type": "string", "maxLength": parameter.max_length}
    elif parameter.kind is Kind.FLAG:
        schema = {"type": "integer", "enum": [0, 1]}
    else:
        schema = {"type": "integer", "format": "int32"}
    return {**schema, "description": parameter.documentation}


def _record_schema(record: type, description: str) -> dict[str, Any]:
    """A record of a list result: the domain dataclass's fields, in order."""
    fields = dataclasses.fields(record)
    return {
        "type": "object",
        "description": description,
        "properties": {
            field.name: {"type": "integer" if field.type in (int, "int") else "string"}
            for field in fields
        },
        "required": [field.name for field in fields],
    }


_RESULT_VALUES: dict[Shape, dict[str, Any]] = {
    Shape.DECIMAL: {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$"},
    Shape.INT: {"type": "integer", "format": "int32"},
    Shape.ADDRESSES: {"type": "array", "items": _ref("address")},
    Shape.CHANNELS: {"type": "array", "items": _ref("channel")},
}


def _call_schema(operation: Operation) -> dict[str, Any]:
    """One operation's call: class, method and its parameters (credentials apart)."""
    return {
        "type": "object",
        "description": operation.summary,
        "properties": {
            "class": {"const": CLASS},
            "method": {"const": operation.name},
            **{p.name: _ref(f"parameter.{p.name}") for p in operation.parameters},
        },
        "required": ["class", "method", *(p.name for p in operation.parameters if p.compulsory)],
    }


def _result_schema(operation: Operation) -> dict[str, Any]:
    """One operation's success object."""
    result = operation.result
    value: dict[str, Any] = {"type": "object", "maxProperties": 0}
    if result.name is not None:
        value = {
            "type": "object",
            "properties": {
                result.name: {**_RESULT_VALUES[result.shape], "description": result.documentation}
            },
            "required": [result.name],
        }
    return {
        "type": "object",
        "description": f"{operation.name}: {operation.summary}",
        "properties": {"status": {"const": "SUCCESS"}, "result": value},
        "required": ["status", "result"],
    }


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        f"parameter.{name}": _parameter_schema(p) for name, p in PARAMETERS.items()
    }
    schemas["credentials"] = {
        "type": "object",
        "properties": {name: _ref(f"parameter.{name}") for name in ("user", "password")},
        "required": ["user", "password"],
    }
    schemas.update({f"call.{name}": _call_schema(op) for name, op in OPERATIONS.items()})
    schemas.update({f"result.{name}": _result_schema(op) for name, op in OPERATIONS.items()})
    schemas["address"] = _record_schema(Address, "An address of the account.")
    schemas["channel"] = _record_schema(Channel, "A channel of the account.")
    schemas["error"] = {
        "type": "object",
        "description": "A failure: the catalogue's code (README, Error codes).",
        "properties": {
            "status": {"const": "ERROR"},
            "error": {"enum": [code.name for code in ErrorCode]},
        },
        "required": ["status", "error"],
    }
    schemas["answer"] = {
        "description": "The call's result, or its error, always with HTTP 200.",
        "anyOf": [*(_ref(f"result.{name}") for name in OPERATIONS), _ref("error")],
    }
    schemas["token"] = {
        "type": "object",
        "properties": {
            "status": {"const": "SUCCESS"},
            "result": {
                "type": "object",
                "properties": {
                    "token": {"type": "string"},
                    "tokentype": {"const": "Bearer"},
                    "expiresin": {"type": "integer", "description": "Seconds the token lives."},
                },
                "required": ["token", "tokentype", "expiresin"],
            },
        },
        "required": ["status", "result"],
    }
    return schemas


def _json_response(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": schema}}, **extra}


def _error_responses(scheme: str | None, body: bool) -> dict[str, Any]:
    """The HTTP-level answers besides 200, each with the error object."""
    responses: dict[str, Any] = {}
    if body:
        responses["408"] = _json_response("The body did not arrive in time.", _ref("error"))
        responses["413"] = _json_response("The body is larger than allowed.", _ref("error"))
    if scheme is not None:
        challenge = "Basic" if scheme == "basic" else "Bearer"
        responses["401"] = _json_response(
            f"No Authorization header of the {challenge} kind: MISSING_USER or MISSING_TOKEN.",
            _ref("error"),
            headers={
                "WWW-Authenticate": {
                    "description": f'{challenge} realm="User Management API", charset="UTF-8"',
                    "schema": {"type": "string"},
                }
            },
        )
    return responses


def _query_parameters(credentials: bool) -> list[dict[str, Any]]:
    """GET's query: class, method, and every operation's parameters (each says whose)."""
    users = {
        name: [op.name for op in OPERATIONS.values() if name in (p.name for p in op.parameters)]
        for name in PARAMETERS
    }
    parameters = [
        {"name": "class", "in": "query", "required": True, "schema": {"const": CLASS}},
        {
            "name": "method",
            "in": "query",
            "required": True,
            "schema": {"enum": list(OPERATIONS)},
        },
    ]
    for name, parameter in PARAMETERS.items():
        if name in ("user", "password"):
            if not credentials:
                continue
            used = "every method"
        else:
            used = ", ".join(users[name])
        parameters.append(
            {
                "name": name,
                "in": "query",
                "description": f"{parameter.documentation} ({used})",
                "schema": _ref(f"parameter.{name}"),
            }
        )
    return parameters


def _call_path(summary: str, how: str, scheme: str | None) -> dict[str, Any]:
    credentials = scheme is None
    calls = {"oneOf": [_ref(f"call.{name}") for name in OPERATIONS]}
    body = {"allOf": [_ref("credentials"), calls]} if credentials else calls
    responses = {"200": _json_response("The answer or its error.", _ref("answer"))}
    common: dict[str, Any] = {"tags": [summary]}
    if scheme is not None:
        common["security"] = [{scheme: []}]
    return {
        "get": {
            **common,
            "summary": f"Call a method of class user ({how}).",
            "operationId": f"{summary.replace(' ', '')}Get",
            "parameters": _query_parameters(credentials),
            "responses": {**responses, **_error_responses(scheme, body=False)},
        },
        "post": {
            **common,
            "summary": f"Call a method of class user, parameters as a form ({how}).",
            "operationId": f"{summary.replace(' ', '')}Post",
            "requestBody": {
                "required": True,
                "content": {form: {"schema": body} for form in _FORMS},
            },
            "responses": {**responses, **_error_responses(scheme, body=True)},
        },
    }


def _token_path() -> dict[str, Any]:
    return {
        "post": {
            "tags": ["JWT"],
            "summary": "Trade user and password for a short-lived bearer token.",
            "operationId": "issueToken",
            "requestBody": {
                "required": True,
                "content": {form: {"schema": _ref("credentials")} for form in _FORMS},
            },
            "responses": {
                "200": _json_response(
                    "The token, or the error.", {"anyOf": [_ref("token"), _ref("error")]}
                ),
                **_error_responses(None, body=True),
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the JSON transports."""
    paths = {path: _call_path(*described) for path, described in _CALL_PATHS.items()}
    paths[_TOKEN_PATH] = _token_path()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "User Management API (JSON transports)",
            "version": VERSION,
            "description": (
                "Class user of the User Management API over HTTP: every call answers HTTP 200"
                ' with {"status":"SUCCESS","result":{...}} or {"status":"ERROR","error":CODE}.'
                " The SOAP interface is described by the WSDL at /api/soap/?wsdl."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }


def openapi_json() -> bytes:
    """The document as served and committed: stable key order, one trailing newline."""
    return (json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n").encode()
