"""Which addresses a fetch may connect to: public unicast only, checked where it connects.

The resolver hands aiohttp only vetted addresses, so the check is made on the very address
connected to (no DNS rebinding between a check and the connection).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Final

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefusedError(OSError):
    """A host name resolved to an address that the fetch policy forbids."""


def normal_host(host: str) -> str:
    """Spell a host name as the connector sees it: lower case, IDNA-encoded."""
    try:
        return URL.build(scheme="http", host=host).raw_host or host.lower()
    except ValueError:
        return host.lower()


_V4_BLOCKED: Final = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", includes the unspecified address
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, includes cloud metadata 169.254.169.254
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation TEST-NET-1
        "192.88.99.0/24",  # retired 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation TEST-NET-2
        "203.0.113.0/24",  # documentation TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast 255.255.255.255
    )
)
_V6_BLOCKED: Final = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments: Teredo 2001::/32, ORCHID, benchmarking
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # SRv6 segment identifiers
        "64:ff9b:1::/48",  # local-use NAT64, embedding is network-specific
        "fc00::/7",  # unique local (private)
        "fe80::/10",  # link-local
        "fec0::/10",  # deprecated site-local
        "ff00::/8",  # multicast
    )
)
_V4_COMPATIBLE: Final = ipaddress.IPv6Network("::/96")
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 form carries (mapped, compatible, NAT64, 6to4)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _V4_COMPATIBLE or address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Tell whether ``address`` is an ordinary public unicast address, safe to connect to.

    Forms that carry an IPv4 address (``::ffff:a.b.c.d``, ``::a.b.c.d``, NAT64
    ``64:ff9b::a.b.c.d`` and 6to4 ``2002:AABB:CCDD::``) are judged by that IPv4
    address. Teredo (``2001::/32``) is always refused.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if any(address in net for net in _V6_BLOCKED) or address.is_site_local:
            return False
    elif any(address in net for net in _V4_BLOCKED):
        return False
    # ipaddress' own view on top of the explicit tables: its lists differ between
    # Python versions (3.11 calls multicast, fec0::/10 and 192.0.0.8 global), hence both.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def parse_address(text: str) -> IPAddress | None:
    """Return ``text`` as an IP address, or None when it is not one (scope ids allowed)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def host_allowed(allow_hosts: frozenset[str], *names: str | None) -> bool:
    """Tell whether any spelling of a host name is in the allow list (exact, lower case)."""
    return any(name is not None and name.lower() in allow_hosts for name in names)


class VettingResolver(AbstractResolver):
    """Resolve with an inner resolver and hand aiohttp only public addresses.

    The connector connects to exactly the addresses returned here, so a name
    that re-resolves to a private address between checks (DNS rebinding) cannot
    slip through. A name with any non-public address is refused whole rather than
    trimmed: real public sites do not publish private records, and a mix is what a
    rebinding attack looks like. Names in ``allow_hosts`` are passed through as-is.
    """

    def __init__(
        self, allow_hosts: frozenset[str] = frozenset(), inner: AbstractResolver | None = None
    ) -> None:
        self._allow_hosts = frozenset(normal_host(host) for host in allow_hosts)
        self._inner: AbstractResolver = inner if inner is not None else aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; raise AddressRefusedError if any address is not public."""
        results = await self._inner.resolve(host, port, family)
        if host_allowed(self._allow_hosts, host, host.rstrip(".")):
            return results
        if not results:
            raise OSError(f"{host} has no addresses")
        vetted: list[ResolveResult] = []
        for result in results:
            address = parse_address(result["host"])
            if address is None or not is_public_address(address):
                raise AddressRefusedError(f"{host} resolves to non-public {result['host']}")
            vetted.append(
                ResolveResult(
                    hostname=result["hostname"],
                    host=str(address),
                    port=result["port"],
                    family=socket.AF_INET if address.version == 4 else socket.AF_INET6,
                    proto=result["proto"],
                    flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                )
            )
        return vetted

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()
