"""The one failure of an action: refused, with a reason for the person who asked."""

from __future__ import annotations

from ..errors import ErrorCode, UserApiError


class Refused(UserApiError):
    """An action that cannot be done (ACTION_REFUSED); ``str()`` is a one-line reason to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(ErrorCode.ACTION_REFUSED)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
