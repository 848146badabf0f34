"""The console's pages and actions, one module per area; ``ROUTES`` is all of them."""

from __future__ import annotations

from . import accesses, account, addresses, connections, ip_filters, log, password, signup

ROUTES = (
    *account.ROUTES,
    *addresses.ROUTES,
    *log.ROUTES,
    *accesses.ROUTES,
    *ip_filters.ROUTES,
    *connections.ROUTES,
    *password.ROUTES,
    *signup.ROUTES,
)
signin_page = account.signin_page
