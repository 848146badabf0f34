"""A second, independent SOAP stack: suds reads the WSDL and the typed fault."""

from __future__ import annotations

from decimal import Decimal

import pytest
from suds import WebFault
from suds.client import Client

from tests.conftest import Store
from tests.e2e.conftest import RunningServer


def test_suds_calls_and_reads_the_typed_fault(store: Store, server: RunningServer) -> None:
    client = Client(f"{server.soap_url}?wsdl", cache=None)
    user, password = store.account("125.50")
    assert Decimal(str(client.service.getbalance(user, password))) == Decimal("125.50")
    idaddress = client.service.addaddress(
        user, password, "Zoë Ñúñez 東京", 0, "", "X1", "JP", 1850147, "東京", "100-0001", "1-1"
    )
    [address] = client.service.getaddresses(user, password).address
    assert (address.id, address.namelastname) == (idaddress, "Zoë Ñúñez 東京")
    with pytest.raises(WebFault) as caught:
        client.service.getbalance(user, "wrong")
    assert caught.value.fault.detail.UserServiceFault.code == "INCORRECT_USER_PASSWORD"
