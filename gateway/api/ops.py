"""``GET /ready`` (the database reachable and migrated, the catalog loaded) and ``GET /metrics`` (Prometheus)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import Response

from gateway import metrics
from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.readiness import database_problem


class Ready(BaseModel):
    result: str


async def ready(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    problems = []
    database = await database_problem(gateway.engine)
    if database is not None:
        problems.append(database)
    if len(gateway.catalog) == 0:
        problems.append("no provider catalog is loaded; check UNIGATE_PROVIDERS_FILES and the server log")
    if problems:
        raise GatewayError(503, "not_ready", "Not ready: " + "; ".join(problems))
    return Json({"result": "ready"})


async def metrics_text(call: Call[Any, Any]) -> Response:
    settings = call.request.app.state.gateway.settings
    if settings.metrics == "off":
        raise GatewayError(404, "metrics_off", "Metrics are turned off; set UNIGATE_METRICS=on to serve them")
    if settings.metrics_port is not None:
        raise GatewayError(
            404, "metrics_elsewhere", f"Metrics are served on port {settings.metrics_port} (UNIGATE_METRICS_PORT)"
        )
    return Response(metrics.render(), media_type=metrics.CONTENT_TYPE)


ENDPOINTS = [
    Endpoint(
        "GET",
        "/ready",
        ready,
        "Readiness check",
        "health",
        response=Ready,
        public=True,
        errors=(503,),
        description="200 when the database is reachable and migrated and the catalog is loaded; else 503 "
        "`not_ready`, naming what is missing.",
    ),
    Endpoint(
        "GET",
        "/metrics",
        metrics_text,
        "Prometheus metrics",
        "health",
        errors=(404,),
        description="Counters and histograms in Prometheus' text format (docs/operators.md lists them). Behind the "
        "secret key; with UNIGATE_METRICS_PORT set, served without auth on that port instead.",
    ),
]
