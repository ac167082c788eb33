"""``unigate serve`` as operators run it: ``--workers 2`` with metrics summed over both workers, and SIGTERM
letting an in-flight proxied stream finish within ``UNIGATE_SHUTDOWN_GRACE``."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from gateway.testing.loopback import run_app
from tests.metrics_text import sample
from tests.proxy.conftest import write_catalog
from tests.servers import RunningServer, free_port, running_server, unigate_env

CHUNK = b"y" * 1000
CHUNKS = 8
PAUSE = 0.25  # seconds between chunks: the whole stream takes about 2 s


async def drip(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(CHUNKS):
            yield CHUNK
            await asyncio.sleep(PAUSE)

    return StreamingResponse(chunks(), media_type="application/octet-stream")


@pytest.fixture
def slow_upstream() -> Iterator[str]:
    with run_app(Starlette(routes=[Route("/base/drip", drip)])) as url:
        yield url


def server_env(database_url: str, tmp_path: Path, upstream_url: str, **extra: str) -> dict[str, str]:
    catalog = write_catalog(tmp_path / "echo.yaml", upstream_url)
    return unigate_env(
        tmp_path / "data",
        database_url,
        UNIGATE_PROVIDERS_FILES=str(catalog),
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        **extra,
    )


async def connect(server: RunningServer) -> None:
    async with server.client() as client:
        assert (await client.post("/integrations", json={"provider": "echo-api", "unique_key": "echo"})).is_success
        created = await client.post(
            "/connections",
            json={
                "provider_config_key": "echo",
                "connection_id": "c1",
                "credentials": {"type": "API_KEY", "apiKey": "k"},
            },
        )
        assert created.status_code == 201, created.text


async def test_two_workers_report_their_sum(database_url: str, tmp_path: Path, slow_upstream: str) -> None:
    with running_server(server_env(database_url, tmp_path, slow_upstream), "--workers", "2") as server:
        async with server.client() as client:
            before = (await client.get("/metrics")).text
        for _ in range(40):  # a new connection each time: the kernel spreads them over both workers
            async with httpx.AsyncClient(base_url=server.url) as fresh:
                assert (await fresh.get("/health")).status_code == 200
        async with server.client() as client:
            after = (await client.get("/metrics")).text
        files = list((tmp_path / "data" / "metrics").glob("counter_*.db"))
    grown = sample(after, "unigate_http_requests_total", route="/health") - sample(
        before, "unigate_http_requests_total", route="/health"
    )
    assert grown == 40
    assert len(files) == 2  # one per worker process, both summed by each /metrics


async def test_sigterm_lets_a_proxied_stream_finish(database_url: str, tmp_path: Path, slow_upstream: str) -> None:
    env = server_env(database_url, tmp_path, slow_upstream, UNIGATE_SHUTDOWN_GRACE="10")
    with running_server(env) as server:
        await connect(server)
        async with server.client() as client:
            headers = {"Connection-Id": "c1", "Provider-Config-Key": "echo"}
            async with client.stream("GET", "/proxy/drip", headers=headers) as response:
                assert response.status_code == 200
                chunks = response.aiter_raw()
                received = await anext(chunks)
                async with server.client() as other:
                    assert sample((await other.get("/metrics")).text, "unigate_active_streams") == 1
                server.process.send_signal(signal.SIGTERM)
                async for chunk in chunks:
                    received += chunk
        assert received == CHUNK * CHUNKS
        # uvicorn re-raises the SIGTERM once it has shut down: the process ends as killed by it, in time
        assert await asyncio.to_thread(server.process.wait, 10) in (0, -signal.SIGTERM)
        with pytest.raises(httpx.TransportError):  # stopped: new requests are refused
            httpx.get(f"{server.url}/health", timeout=1)


async def test_sigterm_cuts_a_stream_longer_than_the_grace(
    database_url: str, tmp_path: Path, slow_upstream: str
) -> None:
    env = server_env(database_url, tmp_path, slow_upstream, UNIGATE_SHUTDOWN_GRACE="0.5")
    with running_server(env) as server:
        await connect(server)
        async with server.client() as client:
            headers = {"Connection-Id": "c1", "Provider-Config-Key": "echo"}
            async with client.stream("GET", "/proxy/drip", headers=headers) as response:
                chunks = response.aiter_raw()
                received = await anext(chunks)
                server.process.send_signal(signal.SIGTERM)
                with pytest.raises(httpx.RemoteProtocolError):
                    async for chunk in chunks:
                        received += chunk
        assert len(received) < len(CHUNK * CHUNKS)
        await asyncio.to_thread(server.process.wait, 10)


async def test_metrics_port_serves_without_auth(database_url: str, tmp_path: Path, slow_upstream: str) -> None:
    port = free_port()
    env = server_env(database_url, tmp_path, slow_upstream, UNIGATE_METRICS_PORT=str(port))
    with running_server(env, "--workers", "2") as server:
        async with httpx.AsyncClient() as anyone:
            scraped = await anyone.get(f"http://127.0.0.1:{port}/metrics")
        async with server.client() as client:
            elsewhere = await client.get("/metrics")
    assert scraped.status_code == 200
    assert sample(scraped.text, "unigate_http_requests_total", route="/health") >= 1  # the start-up probes
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"] == {
        "code": "metrics_elsewhere",
        "message": f"Metrics are served on port {port} (UNIGATE_METRICS_PORT)",
    }
