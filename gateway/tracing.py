"""OpenTelemetry traces: off by default, on with the standard ``OTEL_*`` variables.

Tracing is on when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp`` or ``console``) or an OTLP endpoint is set
(``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``), unless ``OTEL_SDK_DISABLED=true``. The
SDK reads the rest itself (``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_PROPAGATORS``, the OTLP
headers and protocol settings, the batch processor's limits).

Each API request is a server span named by its route template; each outbound call (proxy, plugin calls, OAuth
token calls, webhook deliveries: all ride the shared aiohttp sessions) is a client span under it, and carries the
``traceparent`` header to the provider (``OTEL_PROPAGATORS=none`` stops that). Query strings are kept out of every
span: browser routes carry session tokens there and some providers take API keys as query parameters. No header
is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yarl
from opentelemetry import trace
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    import aiohttp
    from opentelemetry.sdk.trace import TracerProvider
    from starlette.applications import Starlette

EXPORTERS = ("otlp", "console")
_QUERY = "unigate.query_string"
ATTRIBUTE_HEADERS = ((b"connection-id", "unigate.connection_id"), (b"provider-config-key", "unigate.integration"))


def tracing_requested(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = {e.strip() for e in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if e.strip()}
    if exporters:
        return bool(exporters & set(EXPORTERS))
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def provider_from_environment(environ: Mapping[str, str]) -> TracerProvider | None:
    """A tracer provider exporting as ``OTEL_*`` says, or ``None`` when tracing is off."""
    if not tracing_requested(environ):
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

    resource = Resource.create({"service.name": environ.get("OTEL_SERVICE_NAME") or "unigate"})
    provider = TracerProvider(resource=resource)
    names = [e.strip() for e in environ.get("OTEL_TRACES_EXPORTER", "otlp").split(",") if e.strip() in EXPORTERS]
    for name in names or ["otlp"]:
        exporter: SpanExporter
        if name == "console":
            exporter = ConsoleSpanExporter()
        else:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def client_trace_configs(provider: TracerProvider | None) -> list[aiohttp.TraceConfig]:
    """aiohttp trace configs making a client span of each outbound call (none when tracing is off)."""
    if provider is None:
        return []
    from opentelemetry.instrumentation.aiohttp_client import create_trace_config

    return [create_trace_config(url_filter=_without_query, tracer_provider=provider)]


def _without_query(url: yarl.URL) -> str:
    return str(url.with_query(None).with_fragment(None).with_user(None))


def instrument_app(app: Starlette, provider: TracerProvider) -> None:
    """Wrap ``app`` in a server span per request; the query string is hidden from the instrumentation."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(_RestoreQuery)
    app.add_middleware(
        OpenTelemetryMiddleware,
        default_span_details=_span_details,
        server_request_hook=_describe_request,
        tracer_provider=provider,
        exclude_spans=["receive", "send"],
    )
    app.add_middleware(_HideQuery)


def _span_details(scope: Scope) -> tuple[str, dict[str, Any]]:
    template = _route_template(scope)
    method = scope.get("method", "")
    return (f"{method} {template}" if template else method or "HTTP"), ({"http.route": template} if template else {})


def _route_template(scope: Scope) -> str | None:
    app = scope.get("app")
    if scope["type"] == "http" and scope.get("path", "").startswith("/proxy/"):
        return "/proxy/{path}"
    for route in getattr(getattr(app, "router", None), "routes", []):
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return str(getattr(route, "path", "")) or None
    return None


def _describe_request(span: Any, scope: Scope) -> None:
    if span is None or not span.is_recording():
        return
    headers = dict(scope.get("headers") or [])
    for header, attribute in (
        (b"connection-id", "unigate.connection_id"),
        (b"provider-config-key", "unigate.integration"),
    ):
        if value := headers.get(header):
            span.set_attribute(attribute, value.decode("latin-1"))


class _HideQuery:
    """Outside the instrumentation: it sees the request without its query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("query_string"):
            scope = {**scope, "query_string": b"", _QUERY: scope["query_string"]}
        await self.app(scope, receive, send)


class _RestoreQuery:
    """Inside the instrumentation: the application gets the query string back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _QUERY in scope:
            query = scope[_QUERY]
            scope = {key: value for key, value in scope.items() if key != _QUERY}
            scope["query_string"] = query
        await self.app(scope, receive, send)


def current_trace_fields() -> dict[str, str]:
    """``trace_id`` and ``span_id`` of the span in force, for a log line (empty when there is none)."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": format(context.trace_id, "032x"), "span_id": format(context.span_id, "016x")}
