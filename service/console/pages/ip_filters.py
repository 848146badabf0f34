"""IP filters (the owner's): the account's filter and each access's, add and remove.

The console's own session passes the same filters as any call: a filter that
leaves out the address the console is used from signs the person out, and only
an allowed address or the operator can undo it. The page shows that address,
and such a filter is added only once the person confirms it.
"""

from __future__ import annotations

from typing import Any

from ...application.errors import Refused
from ...domain.access import OWN_LOGIN, AccessState
from ...domain.ip import parse_ip, parse_network
from ..app import Route
from ..request import ConsoleRequest, Response


def _filters(request: ConsoleRequest) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The account's filter, and each access's that is not revoked (empty: none)."""
    filters = request.read("ipfilters")
    by_access = dict(filters.accesses)
    usable = [a.name for a in request.read("accesses") if a.state is not AccessState.REVOKED]
    return filters.account, [(name, by_access.get(name, [])) for name in usable]


def _page(
    request: ConsoleRequest, status: str = "200 OK", confirm: bool = False, **values: Any
) -> Response:
    account, accesses = _filters(request)
    return request.render(
        "ip_filters.html",
        status,
        account=account,
        accesses=accesses,
        own_login=OWN_LOGIN,
        address=request.context.caller.source_ip,
        confirm=confirm,
        asked=request.form,
        **values,
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
        return _page(request, failed=outcome.error)
    whose = f"the access {access}'s filter" if access else "the account's filter"
    left = "" if outcome.value else " It is empty now: every address may call."
    return _page(request, notice=f"{network.strip()} is {done} {whose}.{left}")


def _leaves_out_this_console(request: ConsoleRequest) -> bool:
    """True when adding the form's network would leave out the address the console is used
    from: the filter is the account's or the own login's and is empty (were it not, this
    address would be in it), and the network does not hold the address."""
    access = request.form.get("access", "")
    if access not in ("", OWN_LOGIN):
        return False
    try:
        network = parse_network(request.form.get("network", "").strip())
    except ValueError:
        return False  # the action says what is wrong with it
    account, accesses = _filters(request)
    edited = account if access == "" else dict(accesses).get(OWN_LOGIN, [])
    address = parse_ip(request.context.caller.source_ip)
    return not edited and (address is None or address not in network)


def allownetwork(request: ConsoleRequest) -> Response:
    """Add an address or network to the account's filter or an access's."""
    if request.form.get("confirm") != "yes" and _leaves_out_this_console(request):
        address = request.context.caller.source_ip
        unconfirmed = Refused(
            f"{request.form.get('network', '').strip()} leaves out your address {address}: "
            "the console would sign you out at once. Nothing was added; confirm below to add it."
        )
        return _page(request, confirm=True, failed=unconfirmed)
    return _answer(request, "allownetwork", "added to")


def denynetwork(request: ConsoleRequest) -> Response:
    """Remove an address or network from a filter."""
    return _answer(request, "denynetwork", "removed from")


ROUTES = (
    Route("GET", "ip-filters", ip_filters),
    Route("POST", "ip-filters", allownetwork, action="allownetwork"),
    Route("POST", "ip-filters/remove", denynetwork, action="denynetwork"),
)
