"""Signing in and out, the balance, and the channels."""

from __future__ import annotations

from typing import Any

from ...errors import ErrorCode
from ..app import Route, cookie
from ..forms import operation_fields
from ..request import ROOT, SESSION_COOKIE, SIGNIN_COOKIE, ConsoleRequest, Response, redirect

# Why the sign-in page is shown again, by the code the session ended with.
_ENDED = {
    ErrorCode.SESSION_EXPIRED.name: "Your session has ended: sign in again.",
    ErrorCode.ACCESS_DISABLED.name: "This login has been disabled.",
    ErrorCode.IP_NOT_ALLOWED.name: "This login may not be used from your address.",
}
# Where a successful sign-up leads: the sign-in form, with this notice.
SIGNED_UP = ROOT + "?signedup=1"


def signin_page(request: ConsoleRequest) -> Response:
    """The sign-in form (the console's address when signed out)."""
    notice = _ENDED.get(request.query.get("ended", ""))
    if request.query.get("signedup"):
        notice = "Your account is open: sign in with its e-mail and password."
    return request.render("signin.html", notice=notice)


def login(request: ConsoleRequest) -> Response:
    """Check the user and password; a session cookie and the balance page, or the form again."""
    outcome = request.change(
        "signin",
        "console",
        request.password_credentials(),
        user_agent=request.environ.get("HTTP_USER_AGENT"),
    )
    if outcome.error is not None:
        return request.render(
            "signin.html", failed=outcome.error, user=request.form.get("user", "")
        )
    response = redirect(ROOT)
    response.headers.append(
        ("Set-Cookie", cookie(SESSION_COOKIE, outcome.value.token, secure=request.secure))
    )
    response.headers.append(
        ("Set-Cookie", cookie(SIGNIN_COOKIE, "", secure=request.secure, clear=True))
    )
    return response


def logout(request: ConsoleRequest) -> Response:
    """End the session."""
    request.change("signout", "console")
    response = redirect(ROOT)
    response.headers.append(
        ("Set-Cookie", cookie(SESSION_COOKIE, "", secure=request.secure, clear=True))
    )
    return response


def home(request: ConsoleRequest) -> Response:
    """The balance: the first page after sign-in."""
    return request.render("home.html", balance=request.read("getbalance"))


def _channels_page(request: ConsoleRequest, status: str = "200 OK", **values: Any) -> Response:
    return request.render(
        "channels.html",
        status,
        channels=request.read("getchannels"),
        fields=operation_fields("modifychannel"),
        **values,
    )


def channels(request: ConsoleRequest) -> Response:
    """The account's channels, each with a switch."""
    return _channels_page(request)


def modifychannel(request: ConsoleRequest) -> Response:
    """Switch a channel on or off (modifychannel)."""
    outcome = request.change(
        "modifychannel",
        "user",
        channelname=request.form.get("channelname"),
        active=request.form.get("active"),
    )
    if outcome.error is not None:
        return _channels_page(request, failed=outcome.error)
    state = "on" if request.form.get("active") == "1" else "off"
    return _channels_page(request, notice=f"Channel {request.form.get('channelname')} is {state}.")


ROUTES = (
    Route("GET", "", home),
    Route("POST", "login", login, public=True, action="signin"),
    Route("POST", "logout", logout, action="signout"),
    Route("GET", "channels", channels),
    Route("POST", "channels", modifychannel, action="modifychannel"),
)
