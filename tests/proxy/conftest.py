"""A gateway whose catalog points an API-key provider at the loopback echo upstream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.testing.loopback import run_app
from tests.proxy.upstream import EchoUpstream


@pytest.fixture
def upstream() -> Iterator[tuple[EchoUpstream, str]]:
    echo = EchoUpstream()
    with run_app(echo.app()) as url:
        yield echo, url


def write_catalog(path: Path, base_url: str, retry: str = "") -> Path:
    path.write_text(
        "echo-api:\n  display_name: Echo\n  categories: [dev-tools]\n  docs: https://example.test/docs\n"
        "  auth_mode: API_KEY\n  credentials:\n    apiKey: {type: string, title: Key, description: k, secret: true}\n"
        f"  proxy:\n    base_url: {base_url}/base\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
        "      user-agent: unigate-test\n    query:\n      api_version: '2'\n" + retry
    )
    return path


async def make(settings: Settings) -> Gateway:
    gateway = build_gateway(settings)
    await gateway.start()
    return gateway


@pytest.fixture
async def proxy_client(
    upstream: tuple[EchoUpstream, str], database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    """An API client with one connection ``c1`` of integration ``echo`` (API key ``k-123``)."""
    options: dict[str, Any] = dict(getattr(request, "param", {}))
    retry = options.pop("retry", "    retry:\n      after: [x-wait]\n      remaining: x-remaining\n")
    catalog = write_catalog(tmp_path / "echo.yaml", upstream[1], retry)
    values: dict[str, Any] = {"allow_private_hosts": True, "proxy_backoff_seconds": 0.01, "proxy_read_timeout": 1.0}
    values.update(options)
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, providers_files=str(catalog), **values)
    gateway = await make(settings)
    transport = httpx.ASGITransport(app=create_app(gateway))
    headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=headers) as client:
        await client.post("/integrations", json={"provider": "echo-api", "unique_key": "echo"})
        created = await client.post(
            "/connections",
            json={
                "provider_config_key": "echo",
                "connection_id": "c1",
                "credentials": {"type": "API_KEY", "apiKey": "k-123"},
            },
        )
        assert created.status_code == 201, created.text
        client.headers.update({"Connection-Id": "c1", "Provider-Config-Key": "echo"})
        client.gateway = gateway  # type: ignore[attr-defined]
        yield client
    await gateway.stop()
