"""The console's pages and actions, one module per area; ``ROUTES`` is all of them."""

from __future__ import annotations

from . import account, addresses, log

ROUTES = (*account.ROUTES, *addresses.ROUTES, *log.ROUTES)
signin_page = account.signin_page
