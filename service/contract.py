"""The contract of class ``user``: each operation's parameters, result and codes.

The only place an operation's parameters are written down. The SOAP declaration
(and so both WSDLs), the JSON codec, the API log, the OpenAPI document and the
README's operation table are built from this table; the checks read ``maxLength``
from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .errors import ErrorCode

CLASS = "user"
"""The API class every operation belongs to."""

NAMESPACE = "urn:usermanagement:user:v1"
"""The XML namespace of the SOAP calls, their responses and the fault detail."""


class Kind(Enum):
    """How a parameter's value is read."""

    TEXT = "text"  # trimmed text of at most ``max_length`` characters
    INT = "int"  # a 32-bit id
    FLAG = "flag"  # 0 or 1


class Shape(Enum):
    """What an operation answers."""

    NOTHING = "nothing"
    DECIMAL = "decimal"  # money, two decimals
    INT = "int"
    ADDRESSES = "list of address"
    CHANNELS = "list of channel"


@dataclass(frozen=True)
class Parameter:
    """One request parameter, named as the document names it."""

    name: str
    kind: Kind
    documentation: str
    max_length: int | None = None  # text: the longest value accepted (PARAM_TOO_LONG beyond)
    compulsory: bool = True
    personal: bool = False  # personal data: masked in the API log when the operator asks


@dataclass(frozen=True)
class Result:
    """An operation's answer: its shape, the name it is answered under and what it is."""

    shape: Shape
    name: str | None = None
    documentation: str = "nothing"


@dataclass(frozen=True)
class Operation:
    """A method of class ``user``."""

    name: str
    summary: str
    result: Result
    # Parameters after ``user`` and ``password``, in the document's order.
    parameters: tuple[Parameter, ...] = ()
    # The operation's own codes, between the login's and those every call can answer.
    errors: tuple[ErrorCode, ...] = ()

    @property
    def inputs(self) -> tuple[Parameter, ...]:
        """Every parameter in order, ``user`` and ``password`` first."""
        return (USER, PASSWORD, *self.parameters)

    @property
    def compulsory(self) -> tuple[str, ...]:
        """The compulsory parameters' names, ``user`` and ``password`` included."""
        return tuple(p.name for p in self.inputs if p.compulsory)

    @property
    def optional(self) -> tuple[str, ...]:
        """The optional parameters' names."""
        return tuple(p.name for p in self.inputs if not p.compulsory)

    @property
    def codes(self) -> tuple[ErrorCode, ...]:
        """Every code this operation can answer, most precedent first."""
        return (*LOGIN_CODES, *self.errors, *ALWAYS_CODES)


# Codes every operation can answer, in precedence order around the operation's own.
LOGIN_CODES = (
    ErrorCode.MISSING_USER,
    ErrorCode.MISSING_PASSWORD,
    ErrorCode.TOO_MANY_ATTEMPTS,
    ErrorCode.INCORRECT_USER_PASSWORD,
    ErrorCode.ACCESS_DISABLED,
    ErrorCode.IP_NOT_ALLOWED,
)
ALWAYS_CODES = (
    ErrorCode.MALFORMED_REQUEST,
    ErrorCode.REQUEST_TOO_LARGE,
    ErrorCode.REQUEST_TIMEOUT,
    ErrorCode.SERVICE_UNAVAILABLE,
    ErrorCode.INTERNAL_ERROR,
)
_PARAM_CHECKS = (
    ErrorCode.MISSING_COMPULSORY_PARAM,
    ErrorCode.PARAM_TOO_LONG,
    ErrorCode.INCORRECT_PARAM_VALUE,
)

USER = Parameter(
    "user", Kind.TEXT, "The account's e-mail, or an API access's login.", max_length=254
)
PASSWORD = Parameter(
    "password", Kind.TEXT, "The account's password, or the API access's secret.", max_length=256
)

OPERATIONS: dict[str, Operation] = {
    operation.name: operation
    for operation in (
        Operation(
            "getbalance",
            "Get account balance",
            Result(
                Shape.DECIMAL,
                "balance",
                "the account's balance, a decimal with two decimals, e.g. `125.50`",
            ),
        ),
        Operation(
            "addaddress",
            "Add new address; returns its id",
            Result(
                Shape.INT,
                "idaddress",
                "the new address's id (the document returns nothing; clients need the id"
                " to delete it)",
            ),
            parameters=(
                Parameter(
                    "namelastname",
                    Kind.TEXT,
                    "Name and last name.",
                    max_length=200,
                    personal=True,
                ),
                Parameter("iscompany", Kind.FLAG, "1 for a company, 0 for a person."),
                Parameter(
                    "companyname",
                    Kind.TEXT,
                    "The company's name.",
                    max_length=200,
                    compulsory=False,
                    personal=True,
                ),
                Parameter(
                    "documentid",
                    Kind.TEXT,
                    "Identity or company document number.",
                    max_length=50,
                    personal=True,
                ),
                Parameter(
                    "countrycode",
                    Kind.TEXT,
                    "ISO 3166-1 alpha-2 country code, any case.",
                    max_length=64,
                ),
                Parameter("cityid", Kind.INT, "GeoNames id of a city of that country."),
                Parameter("cityname", Kind.TEXT, "The city's name.", max_length=200, personal=True),
                Parameter("zipcode", Kind.TEXT, "Postal code.", max_length=20, personal=True),
                Parameter("address", Kind.TEXT, "Street address.", max_length=500, personal=True),
            ),
            errors=(
                *_PARAM_CHECKS,
                ErrorCode.EMPTY_COUNTRYCODE,
                ErrorCode.EMPTY_CITY,
                ErrorCode.COUNTRY_NOT_FOUND,
                ErrorCode.CITY_NOT_FOUND,
                ErrorCode.TOO_MANY_ADDRESSES,
            ),
        ),
        Operation(
            "deleteaddress",
            "Remove an address",
            Result(Shape.NOTHING),
            parameters=(
                Parameter("idaddress", Kind.INT, "The address's id, as addaddress returned it."),
            ),
            errors=(
                ErrorCode.MISSING_COMPULSORY_PARAM,
                ErrorCode.INCORRECT_PARAM_VALUE,
                ErrorCode.ADDRESS_NOT_FOUND,
            ),
        ),
        Operation(
            "getaddresses",
            "Get address list",
            Result(Shape.ADDRESSES, "list", "the account's `address` records, oldest first"),
        ),
        Operation(
            "getchannels",
            "Get channel list",
            Result(Shape.CHANNELS, "list", "the account's `channel` records"),
        ),
        Operation(
            "modifychannel",
            "Modify the status of a channel",
            Result(Shape.NOTHING),
            parameters=(
                Parameter(
                    "channelname", Kind.TEXT, "The channel's name (getchannels).", max_length=64
                ),
                Parameter("active", Kind.FLAG, "1 enables the channel, 0 disables it."),
            ),
            errors=(*_PARAM_CHECKS, ErrorCode.CHANNEL_NOT_FOUND),
        ),
    )
}
"""The operations of class ``user``, in the document's order."""

PARAMETERS: dict[str, Parameter] = {
    parameter.name: parameter for operation in OPERATIONS.values() for parameter in operation.inputs
}
"""Every parameter of the contract by name, in order of first use."""

# The JWT transport's login: not an operation of class ``user``, but called the same way.
ISSUETOKEN = "issuetoken"

# A SOAP endpoint's ``GET ?wsdl``: named so in request lines and metrics.
WSDL = "wsdl"

CONSOLE_FIELDS = ("name", "network", "access", "state")
"""The account console's own form fields (an access's name, a network, an access state):
the API log keeps them beside the operations' parameters."""

OPERATOR_FIELDS = ("balance", "days", "ip", "all")
"""What an operator's command names beside the console's fields (an amount, a retention, an
address): the API log keeps them with the command."""

MAX_LENGTH: dict[str, int] = {
    name: parameter.max_length
    for name, parameter in PARAMETERS.items()
    if parameter.max_length is not None
}
"""The text parameters' maximum lengths, in characters: WSDL facets and enforced checks."""


def _described(parameter: Parameter) -> str:
    kind = {Kind.TEXT: f"text, at most {parameter.max_length}", Kind.INT: "id", Kind.FLAG: "0/1"}
    optional = ", optional" if not parameter.compulsory else ""
    return f"`{parameter.name}` ({kind[parameter.kind]}{optional})"


def operation_table() -> str:
    """The operations as the Markdown table that the README carries."""
    rows = [
        "| Operation | Parameters (besides user, password) | Returns |",
        "|---|---|---|",
    ]
    for operation in OPERATIONS.values():
        parameters = ", ".join(_described(p) for p in operation.parameters) or "—"
        result = operation.result
        returns = result.documentation
        if result.name is not None:
            returns = f"`{result.name}`: {result.documentation}"
        rows.append(f"| `{operation.name}` | {parameters} | {returns} |")
    return "\n".join(rows)
