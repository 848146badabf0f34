"""Who is calling, as the transport saw it and as the credential check identified it."""

from __future__ import annotations

from dataclasses import dataclass

from .api import Api


@dataclass
class Caller:
    """The client of one call: its address (after trusted proxies) and the API it used.

    The credential check fills ``account_id`` (and ``access_id`` for an API
    access's login) once the call's credentials open an account.
    """

    source_ip: str
    api: Api = Api.SOAP11
    account_id: int | None = None
    access_id: int | None = None

    def signed_in(self, account_id: int, access_id: int | None) -> None:
        """Note whom the call's credentials opened."""
        self.account_id = account_id
        self.access_id = access_id
