"""The address written into the WSDL."""

from __future__ import annotations

import pytest

from service.app.client import client_address, public_base_url
from service.domain.ip import parse_network
from service.settings import Settings, SettingsError

BASE = {"wsgi.url_scheme": "http", "SERVER_NAME": "localhost", "SERVER_PORT": "8000"}


def test_host_header_is_used() -> None:
    environ = {**BASE, "HTTP_HOST": "api.example.com", "REMOTE_ADDR": "10.0.0.9"}
    assert public_base_url(environ, Settings()) == "http://api.example.com"


@pytest.mark.parametrize("host", ['evil"><x', "a b", "", "x/y", "h:99999999"])
def test_a_host_header_that_is_no_host_is_not_used(host: str) -> None:
    environ = {**BASE, "HTTP_HOST": host, "REMOTE_ADDR": "10.0.0.9"}
    assert public_base_url(environ, Settings()) == "http://localhost:8000"


def test_forwarded_headers_only_from_trusted_proxies() -> None:
    settings = Settings.from_env({"USERAPI_TRUSTED_PROXIES": "10.0.0.0/8, ::1"})
    forwarded = {
        **BASE,
        "HTTP_HOST": "backend:8000",
        "HTTP_X_FORWARDED_HOST": "soap.example.com",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    trusted = {**forwarded, "REMOTE_ADDR": "10.1.2.3"}
    untrusted = {**forwarded, "REMOTE_ADDR": "192.0.2.1"}
    assert public_base_url(trusted, settings) == "https://soap.example.com"
    assert public_base_url(untrusted, settings) == "http://backend:8000"


def test_configured_public_url_wins() -> None:
    settings = Settings.from_env({"USERAPI_PUBLIC_URL": "https://api.example.com/ums/"})
    environ = {**BASE, "HTTP_HOST": "other", "REMOTE_ADDR": "127.0.0.1"}
    assert public_base_url(environ, settings) == "https://api.example.com/ums"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("USERAPI_TRUSTED_PROXIES", "not-an-ip"),
        ("USERAPI_PUBLIC_URL", "ftp://x"),
        ("USERAPI_MAX_ADDRESSES", "0"),
        ("USERAPI_MAX_ADDRESSES", "many"),
        ("USERAPI_CITY_POPULATION_CUTOFF", "700"),
        ("USERAPI_LOG_LEVEL", "LOUD"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_client_address_is_the_peer_unless_a_trusted_proxy_forwarded() -> None:
    settings = Settings.from_env({"USERAPI_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2"})
    direct = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert client_address(direct, settings) == "198.51.100.7"
    # Right to left: the client's own claim (leftmost) is ignored; proxies are skipped.
    proxied = {
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.2",
    }
    assert client_address(proxied, settings) == "203.0.113.9"
    garbage = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}
    assert client_address(garbage, settings) == "10.0.0.1"
    assert client_address({"REMOTE_ADDR": "10.0.0.1"}, Settings()) == "10.0.0.1"


def test_an_ipv4_mapped_address_is_the_ipv4_client() -> None:
    settings = Settings.from_env({"USERAPI_TRUSTED_PROXIES": "10.0.0.1"})
    # A dual-stack socket reports IPv4 peers mapped; a trusted proxy is recognised so too.
    assert client_address({"REMOTE_ADDR": "::ffff:198.51.100.7"}, settings) == "198.51.100.7"
    proxied = {"REMOTE_ADDR": "::ffff:10.0.0.1", "HTTP_X_FORWARDED_FOR": "::ffff:203.0.113.9"}
    assert client_address(proxied, settings) == "203.0.113.9"
    assert client_address({"REMOTE_ADDR": "2001:db8::1"}, settings) == "2001:db8::1"


def test_ipv4_mapped_networks_are_ipv4_networks() -> None:
    assert str(parse_network("::ffff:10.0.0.0/104")) == "10.0.0.0/8"
    assert str(parse_network("::ffff:203.0.113.7")) == "203.0.113.7/32"
    assert str(parse_network("2001:db8::/32")) == "2001:db8::/32"
    assert Settings.from_env({"USERAPI_TRUSTED_PROXIES": "::ffff:10.0.0.0/104"}).is_trusted_proxy(
        "10.1.2.3"
    )
