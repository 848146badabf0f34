"""Self sign-up (when the operator sets USERAPI_SIGNUP=1): an account with balance 0.

A successful sign-up leads to the sign-in form with a notice rather than into a
session: signing in stays the one way a session is opened, with its own
credential check and API log entry.
"""

from __future__ import annotations

from ..app import Route
from ..request import ConsoleRequest, Response, redirect
from .account import SIGNED_UP


def signup_form(request: ConsoleRequest) -> Response:
    """The sign-up form: e-mail, password and the password again."""
    return request.render("signup.html")


def signup(request: ConsoleRequest) -> Response:
    """Open the account (signup), then the sign-in form; or the form again, told why."""
    user = request.form.get("user", "")
    if request.form.get("password") != request.form.get("repeat"):
        # Nothing is asked of the service: the form itself was filled in wrong.
        return request.render(
            "signup.html", "422 Unprocessable Content", error="The passwords differ.", user=user
        )
    outcome = request.change("signup", "console", request.password_credentials())
    if outcome.error is not None:
        return request.render("signup.html", failed=outcome.error, user=user)
    return redirect(SIGNED_UP)


ROUTES = (
    Route("GET", "signup", signup_form, public=True, enabled_by="signup"),
    Route("POST", "signup", signup, public=True, action="signup", enabled_by="signup"),
)
