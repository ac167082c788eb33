"""Traces: off unless the ``OTEL_*`` variables ask; on, a request is a server span with a client span per call
out, the trace travels to the provider in ``traceparent``, log lines carry its id, and no query string is kept."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.access_log import JsonFormatter
from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings
from gateway.store.migrate import upgrade
from gateway.testing.loopback import run_app
from gateway.tracing import provider_from_environment, tracing_requested
from tests.proxy.conftest import write_catalog
from tests.proxy.upstream import EchoUpstream

INCOMING_TRACE = "0af7651916cd43dd8448eb211c80319c"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "gw"}, False),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, False),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
def test_tracing_is_on_only_when_the_otel_variables_ask(environ: dict[str, str], expected: bool) -> None:
    assert tracing_requested(environ) is expected
    provider = provider_from_environment(environ)
    assert (provider is not None) is expected
    if provider is not None:
        provider.shutdown()


def test_the_service_name_and_exporter_come_from_the_environment() -> None:
    provider = provider_from_environment({"OTEL_TRACES_EXPORTER": "otlp,console", "OTEL_SERVICE_NAME": "edge-gw"})
    assert provider is not None
    try:
        assert provider.resource.attributes["service.name"] == "edge-gw"
        processors = provider._active_span_processor._span_processors  # the SDK keeps no public list
        exporters = sorted(type(p.span_exporter).__name__ for p in processors if isinstance(p, BatchSpanProcessor))
        assert exporters == ["ConsoleSpanExporter", "OTLPSpanExporter"]
    finally:
        provider.shutdown()


@pytest.fixture
def upstream() -> Iterator[tuple[EchoUpstream, str]]:
    echo = EchoUpstream()
    with run_app(echo.app()) as url:
        yield echo, url


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The request log's JSON lines, formatted as ``unigate serve`` prints them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("unigate.request")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


async def proxy_client(
    gateway_spans: InMemorySpanExporter | None, upstream_url: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    provider = None
    if gateway_spans is not None:
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(gateway_spans))
    catalog = write_catalog(tmp_path / "echo.yaml", upstream_url)
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'unigate.db'}",
        providers_files=str(catalog),
        allow_private_hosts=True,
        sync_sweep_seconds=3600,
    )
    upgrade(settings.resolved_database_url)
    gateway = build_gateway(settings, tracer_provider=provider)
    await gateway.start()
    headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    transport = httpx.ASGITransport(app=create_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=headers) as client:
        await client.post("/integrations", json={"provider": "echo-api", "unique_key": "echo"})
        connection = {"type": "API_KEY", "apiKey": "k-123"}
        made = await client.post(
            "/connections", json={"provider_config_key": "echo", "connection_id": "c1", "credentials": connection}
        )
        assert made.status_code == 201, made.text
        client.headers.update({"Connection-Id": "c1", "Provider-Config-Key": "echo"})
        yield client
    await gateway.stop()


def spans_named(spans: tuple[ReadableSpan, ...], kind: SpanKind) -> list[ReadableSpan]:
    return [span for span in spans if span.kind == kind]


async def test_a_proxied_call_is_traced_from_the_caller_to_the_provider(
    upstream: tuple[EchoUpstream, str], tmp_path: Path, log_lines: io.StringIO
) -> None:
    exporter = InMemorySpanExporter()
    echo, url = upstream
    async for client in proxy_client(exporter, url, tmp_path):
        exporter.clear()
        traceparent = f"00-{INCOMING_TRACE}-b7ad6b7169203331-01"
        answer = await client.get(
            "/proxy/things/1", params={"token": "s3cret-query"}, headers={"traceparent": traceparent}
        )
        assert answer.status_code == 200, answer.text
        assert "token=s3cret-query" in answer.json()["query"]  # the application still gets the query
    spans = exporter.get_finished_spans()
    (server,) = spans_named(spans, SpanKind.SERVER)
    (outbound,) = spans_named(spans, SpanKind.CLIENT)
    assert server.name == "GET /proxy/{path}"
    assert format(server.context.trace_id, "032x") == INCOMING_TRACE  # the caller's trace goes on
    assert server.attributes is not None and server.attributes["unigate.connection_id"] == "c1"
    assert outbound.context.trace_id == server.context.trace_id
    assert outbound.parent is not None and outbound.parent.span_id == server.context.span_id
    sent = dict((k.decode(), v.decode()) for k, v in echo.raw_headers[-1])
    assert sent["traceparent"].split("-")[1] == INCOMING_TRACE  # the provider sees the same trace
    assert format(outbound.context.span_id, "016x") == sent["traceparent"].split("-")[2]
    everything = json.dumps([dict(span.attributes or {}) for span in spans]) + "".join(s.name for s in spans)
    assert "s3cret-query" not in everything and "k-123" not in everything
    assert "/base/things/1" in everything  # the upstream URL, without its query
    request_lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    proxied = [line for line in request_lines if line["path"] == "/proxy/things/1"]
    assert [line["trace_id"] for line in proxied] == [INCOMING_TRACE]


async def test_without_tracing_nothing_is_added(
    upstream: tuple[EchoUpstream, str], tmp_path: Path, log_lines: io.StringIO
) -> None:
    echo, url = upstream
    async for client in proxy_client(None, url, tmp_path):
        answer = await client.get("/proxy/things/2")
        assert answer.status_code == 200
    sent = dict((k.decode(), v.decode()) for k, v in echo.raw_headers[-1])
    assert "traceparent" not in sent
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert lines and all("trace_id" not in line for line in lines)
