"""The credential check that opens every call, with the documented precedence."""

from __future__ import annotations

from ..domain.values import MAX_LENGTH, Raw, is_blank
from ..errors import ErrorCode, UserApiError
from ..store.repository import AccountRecord, Repository
from .passwords import Passwords


def normalise_user(user: str) -> str:
    """The form in which account e-mails are stored and compared: trimmed, lower-case."""
    return user.strip().lower()


class Credentials:
    """Checks ``user``/``password``: MISSING_USER, MISSING_PASSWORD, INCORRECT_USER_PASSWORD."""

    def __init__(self, passwords: Passwords) -> None:
        self._passwords = passwords

    def authenticate(self, repository: Repository, user: Raw, password: Raw) -> AccountRecord:
        """The account the credentials open, or the first failing check's code.

        A blank user or password counts as not included. The password is taken
        as sent, never trimmed. Over-long values cannot match any account.
        """
        if is_blank(user):
            raise UserApiError(ErrorCode.MISSING_USER)
        if is_blank(password):
            raise UserApiError(ErrorCode.MISSING_PASSWORD)
        email = normalise_user(str(user))
        secret = str(password)
        account = None
        if len(email) <= MAX_LENGTH["user"] and len(secret) <= MAX_LENGTH["password"]:
            account = repository.account_by_email(email)
        stored = None if account is None else account.password_hash
        if not self._passwords.verify(stored, secret) or account is None:
            raise UserApiError(ErrorCode.INCORRECT_USER_PASSWORD)
        return account
