"""API accesses (the owner's): the list, a new access, its state and a new secret.

A new access's secret, or a new secret, is in the answer to its POST only: the
page shows it once and no later page can (only its Argon2 hash is stored), and
the API log keeps the access's name, never the secret.
"""

from __future__ import annotations

from typing import Any

from ...domain.access import OWN_LOGIN
from ..app import Route
from ..request import ConsoleRequest, Response


def _page(request: ConsoleRequest, status: str = "200 OK", **values: Any) -> Response:
    assert request.signed_in is not None
    request.signed_in.as_owner()
    return request.render(
        "accesses.html", status, accesses=request.read("accesses"), own_login=OWN_LOGIN, **values
    )


def accesses(request: ConsoleRequest) -> Response:
    """The account's accesses, its own login first."""
    return _page(request)


def _answer(request: ConsoleRequest, method: str, notice: str, **arguments: Any) -> Response:
    """Run the change; the page with ``notice`` (and a new secret, once) or the error."""
    outcome = request.change(method, "console", **arguments)
    if outcome.error is not None:
        return _page(request, failed=outcome.error)
    return _page(request, notice=notice, created=outcome.value, created_name=arguments["name"])


def createaccess(request: ConsoleRequest) -> Response:
    """A new access: its login and secret are shown this once."""
    name = request.form.get("name", "")
    return _answer(request, "createaccess", f"Access {name} is created.", name=name)


def accessstate(request: ConsoleRequest) -> Response:
    """Enable, disable or revoke an access."""
    name, state = request.form.get("name", ""), request.form.get("state", "")
    return _answer(request, "accessstate", f"Access {name} is {state}.", name=name, state=state)


def rotatesecret(request: ConsoleRequest) -> Response:
    """A new secret for an access, shown this once; the old one stops working at once."""
    name = request.form.get("name", "")
    notice = f"Access {name} has a new secret; the old one no longer works."
    return _answer(request, "rotatesecret", notice, name=name)


ROUTES = (
    Route("GET", "accesses", accesses),
    Route("POST", "accesses", createaccess, action="createaccess"),
    Route("POST", "accesses/state", accessstate, action="accessstate"),
    Route("POST", "accesses/rotate", rotatesecret, action="rotatesecret"),
)
