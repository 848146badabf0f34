"""Which Origin headers the console takes for its own (a POST naming another is refused)."""

from __future__ import annotations

import pytest

from service.console.app import _same_origin


@pytest.mark.parametrize(
    ("origin", "base_url"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://example.com", "http://example.com"),  # TLS ended by a proxy
        ("https://example.com:8443", "http://example.com"),  # a proxy's Host without its port
        ("http://example.com", "http://example.com:80"),
        ("http://EXAMPLE.com", "http://example.com"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_console_s_own_origin(origin: str, base_url: str) -> None:
    assert _same_origin(origin, base_url)


@pytest.mark.parametrize(
    ("origin", "base_url"),
    [
        ("http://evil.example", "http://example.com"),
        ("http://example.com.evil.example", "http://example.com"),
        ("null", "http://example.com"),
        ("garbage", "http://example.com"),
        ("ftp://example.com", "http://example.com"),
        ("http://example.com:99999", "http://example.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8001"),
        ("http://127.0.0.1", "http://127.0.0.1:8001"),
    ],
)
def test_another_origin(origin: str, base_url: str) -> None:
    assert not _same_origin(origin, base_url)
