"""Client addresses as the service compares them.

A dual-stack socket reports an IPv4 client as an IPv4-mapped IPv6 address
(``::ffff:a.b.c.d``), and a proxy may forward one: it is that IPv4 address
everywhere (throttle keys, IP filters, the API log, connection tracking).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4096)  # each call parses its client's address; the objects are immutable
def parse_ip(text: str) -> IpAddress | None:
    """``text`` as an IP address (an IPv4-mapped one as its IPv4 address); None if it is none."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(text: str) -> IpNetwork:
    """``text`` as a network (host bits cleared); an IPv4-mapped one as its IPv4 network.

    Raises ValueError when ``text`` is no address or network.
    """
    network = ipaddress.ip_network(text, strict=False)
    mapped = network.network_address.ipv4_mapped if network.version == 6 else None
    if mapped is not None and network.prefixlen >= 96:
        return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network
