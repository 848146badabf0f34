"""Connection tracking: each access's first and last use, and its calls per day.

An access's login sees its own access only (the actions narrow it).
"""

from __future__ import annotations

from ..app import Route
from ..request import ConsoleRequest, Response


def connections(request: ConsoleRequest) -> Response:
    """Per access: first and last use, last source, API and method; calls per day."""
    return request.render(
        "connections.html", accesses=request.read("accesses"), usage=request.read("usage")
    )


ROUTES = (Route("GET", "connections", connections),)
