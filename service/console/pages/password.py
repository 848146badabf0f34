"""The account's password (the owner's): change it, ending every other session."""

from __future__ import annotations

from typing import Any

from ...application.errors import Refused
from ..app import Route
from ..request import ConsoleRequest, Response


def _page(request: ConsoleRequest, status: str = "200 OK", **values: Any) -> Response:
    assert request.signed_in is not None
    request.signed_in.as_owner()
    return request.render("password.html", status, **values)


def password(request: ConsoleRequest) -> Response:
    """The form: the current password, the new one and the new one again."""
    return _page(request)


def changepassword(request: ConsoleRequest) -> Response:
    """Change the password; this session goes on, every other one of the account ends."""
    if request.form.get("newpassword") != request.form.get("repeat"):
        mismatch = Refused("the new password and its repetition differ")
        return _page(request, failed=mismatch)
    outcome = request.change(
        "changepassword",
        "console",
        password=request.form.get("password"),
        newpassword=request.form.get("newpassword"),
    )
    if outcome.error is not None:
        return _page(request, failed=outcome.error)
    notice = "Your password is changed. Every other session of your account has ended."
    return _page(request, notice=notice)


ROUTES = (
    Route("GET", "password", password),
    Route("POST", "password", changepassword, action="changepassword"),
)
