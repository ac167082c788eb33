"""``create_app``: the Starlette application, its routes, error handlers and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from gateway.access_log import RequestLogMiddleware
from gateway.actions import endpoints as actions
from gateway.api import (
    connect_session_routes,
    connect_ui,
    connections,
    credential_routes,
    docs,
    field_mappings,
    integrations,
    logs,
    metadata,
    mode_routes,
    oauth_routes,
    ops,
    provider_webhooks,
    providers,
    records,
    syncs,
    webhooks,
)
from gateway.api.endpoint import Endpoint
from gateway.body_timeout import BodyTimeout
from gateway.dashboard import dashboard_routes
from gateway.errors import GatewayError
from gateway.provider.failures import UpstreamFailure
from gateway.proxy import route as proxy_route
from gateway.resource_types import ResourceTypes
from gateway.runtime import Gateway
from gateway.server_errors import ErrorBoundary, redacted_startup
from gateway.tracing import instrument_app
from gateway.unified import endpoints as unified
from gateway.unified import reference as unified_reference

HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def all_endpoints(resource_types: ResourceTypes | None = None) -> list[Endpoint]:
    """Every API endpoint; the unified ones of ``resource_types`` (the built-in types when None)."""
    # metadata before connections: /connections/metadata must not match /connections/{connection_id}
    return [
        *docs.ENDPOINTS,
        *ops.ENDPOINTS,
        *providers.ENDPOINTS,
        *integrations.ENDPOINTS,
        *field_mappings.ENDPOINTS,
        *metadata.ENDPOINTS,
        *connections.ENDPOINTS,
        *connect_session_routes.ENDPOINTS,
        *oauth_routes.ENDPOINTS,
        *credential_routes.ENDPOINTS,
        *logs.ENDPOINTS,
        *mode_routes.ENDPOINTS,
        *records.ENDPOINTS,
        *syncs.ENDPOINTS,
        *webhooks.ENDPOINTS,
        *provider_webhooks.ENDPOINTS,
        *unified.unified_endpoints(resource_types),
        *actions.ENDPOINTS,
    ]


async def _gateway_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    return exc.response()


async def _upstream_failure(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, UpstreamFailure)
    return exc.as_gateway_error().response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = (
        f"No route {request.method} {request.url.path}; see /docs for the API"
        if exc.status_code in (404, 405)
        else str(exc.detail)
    )
    return GatewayError(exc.status_code, code, message, headers=dict(exc.headers or {})).response()


def route_templates(routes: list[BaseRoute], prefix: str = "") -> dict[Any, str]:
    """Each route's endpoint and its path template (``/connections/{connection_id}``): the metrics' route label."""
    templates: dict[Any, str] = {}
    for route in routes:
        if isinstance(route, Route):
            templates[route.endpoint] = prefix + route.path
        elif isinstance(route, Mount):  # a mounted app without routes (the docs' assets) counts as unmatched
            templates.update(route_templates(list(route.routes), prefix + route.path))
    return templates


def create_app(gateway: Gateway) -> Starlette:
    endpoints = all_endpoints(gateway.resource_types)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Starlette hands a failure's whole text to the server, which prints it: give it type and error id only.
        try:
            await gateway.start()
        except Exception as exc:
            raise redacted_startup(exc, "startup") from None
        try:
            yield
        finally:
            try:
                await gateway.stop()
            except Exception as exc:
                raise redacted_startup(exc, "shutdown") from None

    templates: dict[Any, str] = {}  # filled below, once the routes exist; the middleware is built on first call
    plugin_routes = [
        route for routes in gateway.plugins.hook.register_routes(gateway=gateway) for route in routes or []
    ]
    app = Starlette(
        routes=[
            *(e.route() for e in endpoints),
            *docs.documentation_routes(endpoints),
            *unified_reference.reference_routes(),
            *connect_ui.connect_routes(),
            *dashboard_routes(gateway),
            WebSocketRoute("/", gateway.notifier.serve),
            *plugin_routes,
        ],
        middleware=[
            Middleware(ErrorBoundary),  # first: any exception from below is logged by type and error id, once
            Middleware(BodyTimeout, seconds=gateway.settings.body_timeout),
            Middleware(RequestLogMiddleware, routes=templates, metrics=gateway.settings.metrics == "on"),
            Middleware(proxy_route.ProxyFastPath),
        ],
        exception_handlers={
            GatewayError: _gateway_error,
            UpstreamFailure: _upstream_failure,
            HTTPException: _http_error,
        },
        lifespan=lifespan,
    )
    templates.update(route_templates(app.routes))
    if gateway.tracer_provider is not None:
        instrument_app(app, gateway.tracer_provider)
    app.state.gateway = gateway
    return app
