"""The default engine keeps connections alive: a client's calls reuse one connection."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

from tests.conftest import Store
from tests.e2e.conftest import RunningServer
from tests.e2e.soap import envelope, fields


def test_calls_reuse_one_connection(store: Store, server: RunningServer) -> None:
    user, password = store.account("3.00")
    body = envelope("getbalance", fields(user=user, password=password))
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=10)
    try:
        ends = set()
        for _ in range(5):
            connection.request("POST", "/api/soap/", body, {"Content-Type": "text/xml"})
            answer = connection.getresponse()
            assert answer.status == 200 and b"<tns:balance>3.00</tns:balance>" in answer.read()
            assert (answer.getheader("Connection") or "").lower() != "close"
            assert connection.sock is not None  # not closed by the server after the answer
            ends.add(connection.sock.getsockname())
        assert len(ends) == 1  # one connection, never reopened
    finally:
        connection.close()
