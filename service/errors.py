"""The one catalogue of error codes, and the exception that carries a code.

Every transport reads this catalogue: the SOAP fault, the JSON error, the README
table and the tests. The first twelve codes are the documented contract; the
others cover failures the source document does not mention, in the same style.
"""

from __future__ import annotations

import enum


class Side(enum.Enum):
    """Whose fault an error is: the caller's (``Client``) or ours (``Server``)."""

    CLIENT = "Client"
    SERVER = "Server"


class ErrorCode(enum.Enum):
    """An error code with its description and the side it belongs to."""

    def __init__(self, description: str, side: Side, documented: bool) -> None:
        self.description = description
        self.side = side
        self.documented = documented

    # Documented by the source document, in its order.
    MISSING_USER = ("User or email not included", Side.CLIENT, True)
    MISSING_PASSWORD = ("Password not included", Side.CLIENT, True)
    MISSING_CLASS = ("Class not included", Side.CLIENT, True)
    MISSING_METHOD = ("Method not included", Side.CLIENT, True)
    MISSING_COMPULSORY_PARAM = ("Compulsory parameter not included", Side.CLIENT, True)
    INCORRECT_USER_PASSWORD = ("Incorrect user or password", Side.CLIENT, True)
    INCORRECT_CLASS = ("Incorrect class", Side.CLIENT, True)
    INCORRECT_METHOD = ("Incorrect method", Side.CLIENT, True)
    EMPTY_COUNTRYCODE = ("The country code is empty", Side.CLIENT, True)
    COUNTRY_NOT_FOUND = ("There is no country with the indicated code", Side.CLIENT, True)
    EMPTY_CITY = ("You have not indicated the city", Side.CLIENT, True)
    CITY_NOT_FOUND = ("The indicated city does not exist", Side.CLIENT, True)

    # Ours: failures the document does not cover.
    TOO_MANY_ATTEMPTS = (
        "Too many failed logins from this address; try again later",
        Side.CLIENT,
        False,
    )
    ACCESS_DISABLED = ("This API access is disabled or revoked", Side.CLIENT, False)
    IP_NOT_ALLOWED = (
        "Calls from this address are not allowed for this account",
        Side.CLIENT,
        False,
    )
    MISSING_TOKEN = ("Bearer token not included", Side.CLIENT, False)
    INVALID_TOKEN = ("The token is not valid", Side.CLIENT, False)
    EXPIRED_TOKEN = ("The token has expired", Side.CLIENT, False)
    INVALID_SECURITY_HEADER = (
        "The WS-Security header is not valid, not fresh or was used before",
        Side.CLIENT,
        False,
    )
    UNSUPPORTED_PASSWORD_TYPE = (
        "Send the password as PasswordText over TLS; PasswordDigest is not supported",
        Side.CLIENT,
        False,
    )
    INCORRECT_PARAM_VALUE = (
        "A parameter has a value outside its allowed range",
        Side.CLIENT,
        False,
    )
    PARAM_TOO_LONG = ("A parameter is longer than its maximum length", Side.CLIENT, False)
    ADDRESS_NOT_FOUND = ("There is no address with the indicated id", Side.CLIENT, False)
    CHANNEL_NOT_FOUND = ("There is no channel with the indicated name", Side.CLIENT, False)
    TOO_MANY_ADDRESSES = (
        "The account already holds the maximum number of addresses",
        Side.CLIENT,
        False,
    )
    SESSION_EXPIRED = ("The console session has ended: sign in again", Side.CLIENT, False)
    INVALID_FORM_TOKEN = (
        "The form did not come from this console, or is too old: load the page again",
        Side.CLIENT,
        False,
    )
    ACTION_REFUSED = ("The console could not do this; the page says why", Side.CLIENT, False)
    MALFORMED_REQUEST = ("The request is not a well-formed call", Side.CLIENT, False)
    MUST_UNDERSTAND = (
        "A header block marked mustUnderstand is not processed by this service",
        Side.CLIENT,
        False,
    )
    VERSION_MISMATCH = (
        "The envelope is not of the SOAP version this endpoint speaks",
        Side.CLIENT,
        False,
    )
    REQUEST_TOO_LARGE = ("The request is larger than allowed", Side.CLIENT, False)
    REQUEST_TIMEOUT = ("The request did not arrive in time", Side.CLIENT, False)
    SERVICE_UNAVAILABLE = (
        "The service is temporarily unavailable, try again later",
        Side.SERVER,
        False,
    )
    INTERNAL_ERROR = ("Internal error", Side.SERVER, False)

    @property
    def faultcode(self) -> str:
        """The SOAP faultcode: ``Client.<CODE>``, ``Server.<CODE>`` or SOAP's own for the envelope.

        SOAP defines MustUnderstand and VersionMismatch itself (SOAP 1.1 §4.4.1,
        SOAP 1.2 §5.4.6); clients look for those names.
        """
        return _SOAP_FAULTCODES.get(self.name) or f"{self.side.value}.{self.name}"


_SOAP_FAULTCODES = {"MUST_UNDERSTAND": "MustUnderstand", "VERSION_MISMATCH": "VersionMismatch"}


class UserApiError(Exception):
    """A failure with a code from the catalogue; every transport maps it to its own error.

    ``retry_after`` (seconds) tells the client when trying again can succeed.
    """

    def __init__(self, code: ErrorCode, retry_after: int | None = None) -> None:
        super().__init__(code.name)
        self.code = code
        self.retry_after = retry_after


class HttpError(UserApiError):
    """A failure answered at the HTTP level: a status line and extra headers besides the code."""

    def __init__(self, status: str, code: ErrorCode, *headers: tuple[str, str]) -> None:
        super().__init__(code)
        self.status = status
        self.headers = headers


def catalogue_table() -> str:
    """The catalogue as the Markdown table that the README carries."""
    rows = ["| Code | Fault | Description | Source |", "|---|---|---|---|"]
    for code in ErrorCode:
        source = "documented" if code.documented else "this service"
        rows.append(f"| `{code.name}` | `{code.faultcode}` | {code.description} | {source} |")
    return "\n".join(rows)
