"""WS-Security UsernameToken (OASIS UsernameToken Profile 1.0) in the SOAP header.

An alternative to the ``user``/``password`` elements on both SOAP endpoints;
when a call carries both, they must name the same user and password.
PasswordText is supported (send it over TLS). PasswordDigest is not: it needs
the password in clear on the server, and accounts keep only Argon2 hashes.
"""

from __future__ import annotations

from typing import Any

from ..domain.credentials import PasswordCredentials
from ..domain.values import is_blank
from ..errors import ErrorCode, UserApiError

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
PASSWORD_TEXT = f"{_PROFILE}#PasswordText"
PASSWORD_DIGEST = f"{_PROFILE}#PasswordDigest"


def _token(headers: list[Any] | None) -> Any:
    """The UsernameToken element of the Security header, if any (at most one)."""
    tokens = [
        token
        for header in headers or ()
        if header.tag == f"{{{WSSE}}}Security"
        for token in header.findall(f"{{{WSSE}}}UsernameToken")
    ]
    if len(tokens) > 1:
        raise UserApiError(ErrorCode.INVALID_SECURITY_HEADER)
    return tokens[0] if tokens else None


def credentials_for(headers: list[Any] | None, user: Any, password: Any) -> PasswordCredentials:
    """The call's credentials: its UsernameToken, its elements, or both when they agree."""
    token = _token(headers)
    if token is None:
        return PasswordCredentials(user, password)
    password_element = token.find(f"{{{WSSE}}}Password")
    if password_element is not None and password_element.get("Type", PASSWORD_TEXT) not in (
        PASSWORD_TEXT,
        "wsse:PasswordText",
    ):
        digest = password_element.get("Type") in (PASSWORD_DIGEST, "wsse:PasswordDigest")
        code = ErrorCode.UNSUPPORTED_PASSWORD_TYPE if digest else ErrorCode.INVALID_SECURITY_HEADER
        raise UserApiError(code)
    token_user = token.findtext(f"{{{WSSE}}}Username")
    token_password = None if password_element is None else (password_element.text or "")
    both_users = not is_blank(user) and not is_blank(token_user)
    if both_users and str(user).strip().lower() != str(token_user).strip().lower():
        raise UserApiError(ErrorCode.INCORRECT_USER_PASSWORD)
    if not is_blank(password) and token_password is not None and password != token_password:
        raise UserApiError(ErrorCode.INCORRECT_USER_PASSWORD)
    return PasswordCredentials(
        token_user if not is_blank(token_user) else user,
        token_password if not is_blank(token_password) else password,
        nonce=token.findtext(f"{{{WSSE}}}Nonce"),
        created=token.findtext(f"{{{WSU}}}Created"),
    )
