"""``GET /logs``: the provider calls log (proxied and unified calls), newest first, paged with an opaque cursor."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.tables import RequestLog

CURSOR = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # the id column is a 32-bit INTEGER on PostgreSQL


class LogQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connection_id: str | None = None
    integration: str | None = Field(default=None, description="The integration's unique_key")
    status: int | None = Field(default=None, ge=100, le=599)
    errors_only: bool = Field(default=False, description="Only calls that ended with a status of 400 or more")
    limit: int = Field(default=100, ge=1, le=1000)
    cursor: str | None = Field(default=None, description="next_cursor of the previous page")


class LogEntry(BaseModel):
    id: int
    created_at: str
    integration: str
    connection_id: str
    provider: str
    method: str
    path: str
    status: int
    duration_ms: float
    attempts: int
    error: str | None


class LogPage(BaseModel):
    logs: list[LogEntry]
    next_cursor: str | None


def _cursor_id(cursor: str) -> int:
    """The id a cursor continues below: ASCII digits of an id (``str.isdigit`` also takes ``²`` and ``١``)."""
    if CURSOR.fullmatch(cursor) is None or int(cursor) > MAX_ID:
        raise GatewayError(400, "invalid_query_params", "cursor: send the next_cursor of a previous page, or no cursor")
    return int(cursor)


async def list_logs(call: Call[Any, LogQuery]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    q = call.query
    await gateway.call_log.flush()
    query = select(RequestLog).order_by(col(RequestLog.id).desc()).limit(q.limit + 1)
    if q.cursor:
        query = query.where(col(RequestLog.id) < _cursor_id(q.cursor))
    if q.connection_id:
        query = query.where(RequestLog.connection_id == q.connection_id)
    if q.integration:
        query = query.where(RequestLog.integration_key == q.integration)
    if q.status:
        query = query.where(RequestLog.status == q.status)
    if q.errors_only:
        query = query.where(col(RequestLog.status) >= 400)
    async with gateway.sessions() as session:
        rows = list((await session.exec(query)).all())
    page, more = rows[: q.limit], len(rows) > q.limit
    return Json(
        {
            "logs": [
                {
                    "id": r.id,
                    "created_at": r.created_at,
                    "integration": r.integration_key,
                    "connection_id": r.connection_id,
                    "provider": r.provider,
                    "method": r.method,
                    "path": r.path,
                    "status": r.status,
                    "duration_ms": r.duration_ms,
                    "attempts": r.attempts,
                    "error": r.error,
                }
                for r in page
            ],
            "next_cursor": str(page[-1].id) if more and page else None,
        }
    )


ENDPOINTS = [
    Endpoint(
        "GET",
        "/logs",
        list_logs,
        "Provider calls (proxied and unified), newest first",
        "proxy",
        query=LogQuery,
        response=LogPage,
    ),
]
