"""No password ever reaches the server's log, at DEBUG, on any path."""

from __future__ import annotations

import pytest
import zeep

from tests.conftest import Store
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.soap import envelope, fields, post
from tests.e2e.test_soap_operations import address_params

CANARY = "Pw-canary-7f3a9"


def test_password_never_logged(store: Store, tmp_path_factory: pytest.TempPathFactory) -> None:
    log = tmp_path_factory.mktemp("secrets") / "server.log"
    server = start_server(
        store,
        log,
        {"USERAPI_LOG_LEVEL": "DEBUG", "USERAPI_THROTTLE_ACCOUNT_FAILURES": "2"},
    )
    try:
        user, password = store.account("1.00", password=CANARY)
        client = zeep.Client(f"{server.soap_url}?wsdl")
        auth = {"user": user, "password": password}
        idaddress = client.service.addaddress(**auth, **address_params())
        client.service.getaddresses(**auth)
        client.service.deleteaddress(**auth, idaddress=idaddress)
        client.service.getchannels(**auth)
        client.service.modifychannel(**auth, channelname="sms", active=0)
        client.service.getbalance(**auth)
        url = server.soap_url
        wrong = f"{CANARY}-wrong"
        for body in [
            envelope("getbalance", fields(user=user, password=wrong)),  # wrong password
            envelope("getbalance", fields(user=user, password=wrong)),
            envelope("getbalance", fields(user=user, password=wrong)),  # now blocked
            envelope("getbalance", fields(user=user, password=CANARY)),  # blocked, right one
            envelope("addaddress", fields(user="x@example.com", password=CANARY, cityid="z")),
            envelope("nosuchmethod", fields(user=user, password=CANARY)),
            envelope("getbalance", fields(user=user, password=CANARY) + "<broken"),
            f'<!DOCTYPE x [<!ENTITY e "{CANARY}">]><x>&e;</x>'.encode(),
            CANARY.encode() * 10_000,  # over the body cap
            b"\xff\xfe" + CANARY.encode(),
        ]:
            post(url, body)
    finally:
        stop_server(server)
    text = server.log_text()
    assert "Listening at" in text  # the log was written (either engine says so)
    assert CANARY not in text
    assert "Traceback" not in text
