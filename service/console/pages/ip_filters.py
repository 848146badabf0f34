"""IP filters (the owner's): the account's filter and each access's, add and remove.

The console's own session passes the same filters as any call: a filter that
leaves out the address the console is used from signs the person out, so the
page shows that address beside the form.
"""

from __future__ import annotations

from typing import Any

from ...domain.access import OWN_LOGIN, AccessState
from ..app import Route, status_for
from ..request import ConsoleRequest, Response


def _page(request: ConsoleRequest, status: str = "200 OK", **message: str) -> Response:
    filters = request.read("ipfilters")
    by_access = dict(filters.accesses)
    usable = [a.name for a in request.read("accesses") if a.state is not AccessState.REVOKED]
    return request.render(
        "ip_filters.html",
        status,
        account=filters.account,
        accesses=[(name, by_access.get(name, [])) for name in usable],
        own_login=OWN_LOGIN,
        address=request.context.caller.source_ip,
        **message,
    )


def ip_filters(request: ConsoleRequest) -> Response:
    """The filters, and the form to add an address or network."""
    return _page(request)


def _answer(request: ConsoleRequest, method: str, done: str) -> Response:
    """Run the change on the chosen filter; the page with a notice or the error."""
    network, access = request.form.get("network", ""), request.form.get("access", "")
    arguments: dict[str, Any] = {"network": network, "access": access or None}
    outcome = request.change(method, "console", **arguments)
    if outcome.error is not None:
        return _page(request, status_for(outcome.error), error=request.failure(outcome.error))
    whose = f"the access {access}'s filter" if access else "the account's filter"
    left = "" if outcome.value else " It is empty now: every address may call."
    return _page(request, notice=f"{network.strip()} is {done} {whose}.{left}")


def allownetwork(request: ConsoleRequest) -> Response:
    """Add an address or network to the account's filter or an access's."""
    return _answer(request, "allownetwork", "added to")


def denynetwork(request: ConsoleRequest) -> Response:
    """Remove an address or network from a filter."""
    return _answer(request, "denynetwork", "removed from")


ROUTES = (
    Route("GET", "ip-filters", ip_filters),
    Route("POST", "ip-filters", allownetwork, action="allownetwork"),
    Route("POST", "ip-filters/remove", denynetwork, action="denynetwork"),
)
