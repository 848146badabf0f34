"""Every operation through zeep against the real server."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import zeep

from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.soap import items

MADRID, TOKYO, NEW_YORK = 3117735, 1850147, 5128581


def address_params(**changes: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "namelastname": "John Smith",
        "iscompany": 0,
        "companyname": "",
        "documentid": "123456789A",
        "countrycode": "us",
        "cityid": NEW_YORK,
        "cityname": "New York",
        "zipcode": "10001",
        "address": "5th Avenue 1",
    }
    params.update(changes)
    return params


def stored_address(idaddress: int, **changes: Any) -> dict[str, Any]:
    """How ``address_params()`` comes back from getaddresses, as plain data."""
    params = address_params(**changes)
    return {
        "id": idaddress,
        **params,
        "countrycode": params["countrycode"].upper(),
        "verified": 0,
        "addressverified": 0,
    }


def test_getbalance_is_an_exact_decimal(store: Store, client: zeep.Client) -> None:
    user, password = store.account("125.50")
    balance = client.service.getbalance(user=user, password=password)
    assert isinstance(balance, Decimal)
    assert str(balance) == "125.50"


def test_large_balance_stays_exact(store: Store, client: zeep.Client) -> None:
    user, password = store.account("9999999999999999.99")
    assert client.service.getbalance(user=user, password=password) == Decimal("9999999999999999.99")


def test_address_lifecycle(store: Store, client: zeep.Client) -> None:
    user, password = store.account()
    service = client.service
    assert items(service.getaddresses(user=user, password=password), "address") == []
    first = service.addaddress(user=user, password=password, **address_params())
    second = service.addaddress(
        user=user,
        password=password,
        **address_params(iscompany=1, companyname="Acme SL", countrycode="ES", cityid=MADRID),
    )
    assert isinstance(first, int) and second > first
    listed = items(service.getaddresses(user=user, password=password), "address")
    assert [a.id for a in listed] == [first, second]
    assert listed[0].countrycode == "US" and listed[0].cityid == NEW_YORK
    assert (listed[1].iscompany, listed[1].companyname) == (1, "Acme SL")
    assert (listed[1].verified, listed[1].addressverified) == (0, 0)
    assert service.deleteaddress(user=user, password=password, idaddress=first) is None
    assert [a.id for a in items(service.getaddresses(user=user, password=password), "address")] == [
        second
    ]


def test_non_latin_text_round_trips(store: Store, client: zeep.Client) -> None:
    user, password = store.account()
    name = "Zoë Ñúñez 東京"
    client.service.addaddress(
        user=user,
        password=password,
        **address_params(namelastname=name, countrycode="JP", cityid=TOKYO, cityname="東京都"),
    )
    [stored] = items(client.service.getaddresses(user=user, password=password), "address")
    assert (stored.namelastname, stored.cityname) == (name, "東京都")


def test_channels(store: Store, client: zeep.Client) -> None:
    user, password = store.account()
    channels = items(client.service.getchannels(user=user, password=password), "channel")
    assert [(c.channeltype, c.channelname, c.active) for c in channels] == [
        ("sms", "sms", 1),
        ("email", "email", 1),
        ("voice", "voice", 1),
    ]
    assert (
        client.service.modifychannel(user=user, password=password, channelname="sms", active=0)
        is None
    )
    channels = items(client.service.getchannels(user=user, password=password), "channel")
    assert {c.channelname: c.active for c in channels} == {"sms": 0, "email": 1, "voice": 1}


def test_health(server: RunningServer) -> None:
    import requests

    assert requests.get(f"{server.url}/health", timeout=5).text == "ok\n"
    assert requests.get(f"{server.url}/health/ready", timeout=5).text == "ready\n"
