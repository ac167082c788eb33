"""Requests never leave the provider's host: path attacks, overrides to internal addresses, resolver checks.

Both sides are pinned: internal hosts are refused, public ones are not (a guard refusing everything fails here).
No test connects to a public address: public answers come from a stub resolver.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from gateway.app import create_app
from gateway.testing.loopback import run_app
from gateway.upstream.ssrf import ForbiddenHost, PublicOnlyResolver, check_host, is_internal, resolver_for
from tests.conftest import error_of
from tests.proxy.upstream import EchoUpstream

PATH_ATTACKS = [
    "/proxy/../admin",
    "/proxy/a/../../admin",
    "/proxy/%2e%2e/admin",
    "/proxy/%2E%2E%2Fadmin",
    "/proxy/%252e%252e/admin",
    "/proxy//evil.com/x",
    "/proxy/http://evil.com/x",
    "/proxy/https:%2F%2Fevil.com",
    "/proxy/a%00b",
    "/proxy/a%5c..%5cadmin",
    "/proxy/a\\..\\admin",
    "/proxy/./x",
]


async def raw_get(base_url: str, target: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """Send the request line exactly as written (HTTP clients normalise ``..`` away before sending)."""
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.mark.parametrize("path", PATH_ATTACKS)
async def test_path_attacks_are_refused(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str], path: str
) -> None:
    gateway = proxy_client.gateway  # type: ignore[attr-defined]
    with run_app(create_app(gateway)) as url:
        headers = {
            k: v
            for k, v in proxy_client.headers.items()
            if k.lower() in ("authorization", "connection-id", "provider-config-key")
        }
        status, body = await raw_get(url, path, headers)
    assert status == 400, (path, body)
    assert body["error"]["code"] == "invalid_path"
    assert sum(upstream[0].hits.values()) == 0


@pytest.mark.parametrize("proxy_client", [{"allow_private_hosts": False}], indirect=True)
@pytest.mark.parametrize(
    "override",
    [
        "http://127.0.0.1:8080",
        "http://169.254.169.254/latest",
        "http://10.0.0.5",
        "http://[::1]:80",
        "http://localhost:3003",
        "http://192.168.1.1",
        "http://0.0.0.0",
        "http://[::ffff:127.0.0.1]",
    ],
)
async def test_internal_addresses_are_refused(proxy_client: httpx.AsyncClient, override: str) -> None:
    response = await proxy_client.get("/proxy/x", headers={"Base-Url-Override": override})
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "forbidden_host"


@pytest.mark.parametrize("proxy_client", [{"allow_private_hosts": False}], indirect=True)
async def test_catalog_base_url_on_loopback_is_refused_too(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get("/proxy/x")  # the echo provider lives on 127.0.0.1
    assert response.status_code == 400 and error_of(response)["code"] == "forbidden_host"


async def test_resolver_drops_internal_answers() -> None:
    resolver = PublicOnlyResolver()
    try:
        with pytest.raises(ForbiddenHost, match="internal"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("100.64.0.1", True),
        ("fe80::1", True),
        ("::ffff:10.0.0.1", True),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        # shared address space (carrier-grade NAT), which Python does not count as private: all of 100.64.0.0/10
        ("100.64.0.0", True),
        ("100.96.0.0", True),
        ("100.127.255.255", True),
        ("::ffff:100.100.0.1", True),
        ("100.63.255.255", False),
        ("100.128.0.0", False),
        # multicast
        ("224.0.0.1", True),
        ("239.255.255.255", True),
        ("ff02::1", True),
        ("ff0e::1", True),
        ("fe80::1%eth0", True),
    ],
)
def test_internal_ranges(address: str, internal: bool) -> None:
    assert is_internal(address) is internal


PUBLIC_HOSTS = ["api.github.com", "acme.zendesk.com", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "[2606:4700::1111]"]


@pytest.mark.parametrize("host", PUBLIC_HOSTS)
def test_public_hosts_pass_with_private_hosts_off(host: str) -> None:
    check_host(host, allow_private=False)  # no exception: the guard refuses internal hosts, not every host


class StubResolver(AbstractResolver):
    """Answers from a table, as a DNS server would; never touches the network."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.answers[host]
        ]

    async def close(self) -> None:
        self.closed = True


async def test_resolver_returns_public_answers() -> None:
    stub = StubResolver({"api.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]})
    resolver = PublicOnlyResolver(stub)
    answers = await resolver.resolve("api.example.com", 443)
    assert [a["host"] for a in answers] == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]
    assert all(a["port"] == 443 for a in answers) and stub.asked == ["api.example.com"]
    await resolver.close()
    assert stub.closed


async def test_resolver_keeps_only_the_public_answers_of_a_mixed_set() -> None:
    internal = ["127.0.0.1", "10.0.0.7", "169.254.169.254", "100.100.1.1", "::1", "fd00::1", "224.0.0.251"]
    stub = StubResolver({"mixed.example.com": [*internal[:3], "93.184.216.34", *internal[3:], "2606:4700::1111"]})
    answers = await PublicOnlyResolver(stub).resolve("mixed.example.com", 80)
    assert [a["host"] for a in answers] == ["93.184.216.34", "2606:4700::1111"]
    stub.answers["inside.example.com"] = internal
    with pytest.raises(ForbiddenHost, match="inside.example.com resolves only to internal addresses"):
        await PublicOnlyResolver(stub).resolve("inside.example.com", 80)


async def test_the_proxy_resolves_through_the_guard_unless_private_hosts_are_allowed() -> None:
    guarded, open_resolver = resolver_for(False), resolver_for(True)
    assert isinstance(guarded, PublicOnlyResolver) and not isinstance(open_resolver, PublicOnlyResolver)
    await guarded.close()
    await open_resolver.close()


@pytest.mark.parametrize("proxy_client", [{"allow_private_hosts": False}], indirect=True)
@pytest.mark.parametrize(
    "name",
    [
        "0x7f000001",  # 127.0.0.1 written in hex: not an IP literal to the guard, but the system resolver reads it
        "127.0.0.1\x00.example.com",  # the resolver stops at the NUL and answers 127.0.0.1
        "LOCALHOST.",
    ],
)
async def test_names_resolving_to_loopback_are_refused_and_nothing_arrives(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str], name: str
) -> None:
    """The echo upstream listens on 127.0.0.1: only the guard stands between these calls and it."""
    port = upstream[1].rsplit(":", 1)[1]
    response = await proxy_client.get(
        "/proxy/x", headers={"Base-Url-Override": f"http://{name}:{port}".encode("latin-1")}
    )
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "forbidden_host"
    assert sum(upstream[0].hits.values()) == 0


@pytest.mark.parametrize("proxy_client", [{"allow_private_hosts": False}], indirect=True)
@pytest.mark.parametrize("value", [b"http://127.0.0.1\r", b"http://127.0.0.\r1", b"http://example.com\x00@127.0.0.1"])
async def test_nul_and_bare_cr_in_an_override_reach_no_internal_host(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str], value: bytes
) -> None:
    port = upstream[1].rsplit(":", 1)[1].encode()
    response = await proxy_client.get("/proxy/x", headers={"Base-Url-Override": value + b":" + port})
    assert response.status_code == 400, response.text
    assert sum(upstream[0].hits.values()) == 0


@pytest.mark.parametrize("value", [b"a\x00b", b"a\rHost: 127.0.0.1", b"a\nHost: 127.0.0.1"])
async def test_nul_and_bare_cr_in_forwarded_header_values_never_reach_the_upstream(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str], value: bytes
) -> None:
    response = await proxy_client.get("/proxy/x", headers={"Nango-Proxy-X-Note": value})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_headers"
    assert sum(upstream[0].hits.values()) == 0


def test_names_that_are_loopback_by_definition() -> None:
    with pytest.raises(ForbiddenHost):
        check_host("api.localhost", allow_private=False)
    check_host("api.localhost", allow_private=True)
