"""The console's pages and actions, one module per area; ``ROUTES`` is all of them."""

from __future__ import annotations

from . import account, log

ROUTES = (*account.ROUTES, *log.ROUTES)
signin_page = account.signin_page
