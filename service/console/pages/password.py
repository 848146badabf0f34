"""The account's password (the owner's): change it, ending every other session."""

from __future__ import annotations

from ...application.errors import Refused
from ..app import Route, status_for
from ..request import ConsoleRequest, Response


def _page(request: ConsoleRequest, status: str = "200 OK", **message: str) -> Response:
    assert request.signed_in is not None
    request.signed_in.as_owner()
    return request.render("password.html", status, **message)


def password(request: ConsoleRequest) -> Response:
    """The form: the current password, the new one and the new one again."""
    return _page(request)


def changepassword(request: ConsoleRequest) -> Response:
    """Change the password; this session goes on, every other one of the account ends."""
    if request.form.get("newpassword") != request.form.get("repeat"):
        mismatch = Refused("the new password and its repetition differ")
        return _page(request, status_for(mismatch), error=request.failure(mismatch))
    outcome = request.change(
        "changepassword",
        "console",
        password=request.form.get("password"),
        newpassword=request.form.get("newpassword"),
    )
    if outcome.error is not None:
        return _page(request, status_for(outcome.error), error=request.failure(outcome.error))
    notice = "Your password is changed. Every other session of your account has ended."
    return _page(request, notice=notice)


ROUTES = (
    Route("GET", "password", password),
    Route("POST", "password", changepassword, action="changepassword"),
)
