"""One structured log line per API request: method, path, status, duration, connection. Never a secret.

Each request is also counted in ``unigate_http_requests_total`` and timed, labelled by its route template (not the
raw path, which would make the labels unbounded).

The query string is left out on purpose: browser routes carry session tokens there.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.metrics import PROXY_ROUTE, REQUEST_SECONDS, REQUESTS, UNMATCHED
from gateway.server_errors import describe, redact_server_loggers
from gateway.tracing import current_trace_fields

logger = logging.getLogger("unigate.request")


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object: time, level, logger, message and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        line.update(current_trace_fields())
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = describe(record.exc_info[1])  # type and frames: an exception's text may hold data
        return json.dumps(line, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.formatter.converter = time.gmtime  # type: ignore[union-attr]
    root = logging.getLogger("unigate")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    redact_server_loggers()


class RequestLogMiddleware:
    """Logs and counts each HTTP request; ``routes`` maps a route's endpoint to its path template (filled by
    ``create_app`` once the routes exist); ``metrics=False`` leaves the counters alone."""

    def __init__(self, app: ASGIApp, routes: dict[Any, str] | None = None, metrics: bool = True) -> None:
        self.app = app
        self.routes = routes if routes is not None else {}
        self.metrics = metrics
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            headers = dict(scope.get("headers") or [])
            connection = headers.get(b"connection-id", b"").decode("latin-1") or scope.get("path_params", {}).get(
                "connection_id"
            )
            elapsed = time.perf_counter() - started
            if self.metrics:
                key = (self._route(scope), scope["method"], status)
                children = self._children.get(key)
                if children is None:  # once per route, method and status: labels() formats and locks
                    children = self._children[key] = (REQUESTS.labels(*key), REQUEST_SECONDS.labels(*key[:2]))
                children[0].inc()
                children[1].observe(elapsed)
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "connection": connection,
            }
            logger.info("%s %s %s", scope["method"], scope["path"], status, extra={"fields": fields})

    def _route(self, scope: Scope) -> str:
        endpoint = scope.get("endpoint")
        if endpoint is not None:
            return self.routes.get(endpoint, UNMATCHED)
        return PROXY_ROUTE if scope["path"].startswith("/proxy/") else UNMATCHED
