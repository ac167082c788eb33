"""Refusing upstream addresses on loopback, private, link-local and other internal ranges (SSRF).

Every outbound request is checked, not only the proxy's: ``gateway.proxy.route`` uses these functions directly,
and everything else (token endpoints and refreshes, credential checks, plugin scripts, unified calls) sends
through ``gateway.upstream.guarded``, which applies the same checks over the proxy's aiohttp sessions.
The check runs on the addresses a host name actually resolves to, inside the connector, so a DNS answer that
changes between a check and the connection (rebinding) cannot slip through. Literal IP hosts (which aiohttp does
not resolve) and ``localhost`` names are checked before the request. ``UNIGATE_ALLOW_PRIVATE_HOSTS=true`` (tests,
local development) turns the check off.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver


class ForbiddenHost(OSError):
    """The upstream host is, or resolves to, an address Unigate may not call (an ``OSError`` so that aiohttp's
    connector reports it as a connection error carrying this exception)."""


def is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"))
    )


def literal_ip(host: str) -> str | None:
    candidate = host.strip("[]")
    try:
        ipaddress.ip_address(candidate.split("%", 1)[0])
    except ValueError:
        return None
    return candidate


def check_host(host: str, allow_private: bool) -> None:
    """Refuse a literal internal IP, or a name that is obviously local, before any connection is made."""
    if allow_private:
        return
    lowered = host.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        raise ForbiddenHost(f"{host} is a loopback host")
    ip = literal_ip(host)
    if ip is not None and is_internal(ip):
        raise ForbiddenHost(f"{host} is an internal address")


class PublicOnlyResolver(AbstractResolver):
    """Resolves with ``inner`` (aiohttp's resolver by default) and keeps only public addresses."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        public = [r for r in results if not is_internal(r["host"])]
        if not public:
            raise ForbiddenHost(f"{host} resolves only to internal addresses")
        return public

    async def close(self) -> None:
        await self._inner.close()


def resolver_for(allow_private: bool) -> Any:
    return DefaultResolver() if allow_private else PublicOnlyResolver()
