"""The console's pages and actions, one module per area; ``ROUTES`` is all of them."""

from __future__ import annotations

from . import account, log, signup

ROUTES = (*account.ROUTES, *log.ROUTES, *signup.ROUTES)
signin_page = account.signin_page
