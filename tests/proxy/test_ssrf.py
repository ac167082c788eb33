"""Requests never leave the provider's host: path attacks, overrides to internal addresses, resolver checks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.proxy.ssrf import ForbiddenHost, PublicOnlyResolver, check_host, is_internal
from gateway.testing.loopback import run_app
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
    ],
)
def test_internal_ranges(address: str, internal: bool) -> None:
    assert is_internal(address) is internal


def test_names_that_are_loopback_by_definition() -> None:
    with pytest.raises(ForbiddenHost):
        check_host("api.localhost", allow_private=False)
    check_host("api.localhost", allow_private=True)
