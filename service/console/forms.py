"""Form fields built from the contract table: an operation's parameters as HTML inputs.

A form that carries an operation's parameters takes their names, labels,
lengths and whether they are required from service/contract.py, like the WSDL
and the OpenAPI document do; the operation itself checks what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract import OPERATIONS, Kind


@dataclass(frozen=True)
class Field:
    """One input of a form, named as the contract names the parameter."""

    name: str
    label: str
    kind: str  # "text", "number" or "flag" (a 0/1 choice)
    required: bool
    max_length: int | None


def operation_fields(operation: str) -> list[Field]:
    """The inputs of ``operation``'s form: its parameters but ``user`` and ``password``."""
    kinds = {Kind.TEXT: "text", Kind.INT: "number", Kind.FLAG: "flag"}
    return [
        Field(
            p.name,
            p.documentation.rstrip("."),
            kinds[p.kind],
            p.compulsory,
            p.max_length,
        )
        for p in OPERATIONS[operation].parameters
    ]
