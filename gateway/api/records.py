"""``GET /records``: a connection's synced records of one model, Nango's shape and cursor."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.syncs.records import ACTIONS
from unified_models import UtcDatetime

CONNECTION = (
    ("Connection-Id", "The connection whose records to read"),
    ("Provider-Config-Key", "The integration (unique key) the connection belongs to"),
)


class RecordsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(min_length=1, description="The records' model: the unified model's name, e.g. `Ticket`")
    variant: str | None = Field(default=None, description="Accepted for Nango's SDK; one variant per model here")
    modified_after: UtcDatetime | None = Field(default=None, description="Only records changed at or after this")
    limit: int = Field(default=100, ge=1, le=10000, description="Records per page")
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page, or a record's cursor")
    filter: str | None = Field(default=None, description="Comma-separated actions: added, updated, deleted")
    ids: list[str] | str | None = Field(default=None, description="Only these record ids (repeat or comma-separate)")

    @field_validator("filter")
    @classmethod
    def _actions(cls, value: str | None) -> str | None:
        for action in (value or "").split(","):
            if action.strip() and action.strip().upper() not in ACTIONS:
                raise ValueError(f"{action.strip()!r} is not added, updated or deleted")
        return value


class RecordsPage(BaseModel):
    records: list[dict[str, Any]] = Field(description="The synced objects, each with `_nango_metadata`")
    next_cursor: str | None


class PruneBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(min_length=1, description="The records' model")
    variant: str | None = None
    until_cursor: str = Field(min_length=1, description="Prune up to this record's cursor, included")
    limit: int = Field(default=1000, ge=1, le=10000, description="At most this many records per call")


class Pruned(BaseModel):
    count: int = Field(description="Records whose payload was emptied")
    has_more: bool = Field(description="Records up to the cursor are still to prune: call again")


def _ids(value: list[str] | str | None) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


async def _connection_pk(call: Call[Any, Any]) -> int:
    gateway: Gateway = call.request.app.state.gateway
    key = call.request.headers.get("provider-config-key", "")
    connection_id = call.request.headers.get("connection-id", "")
    if not key or not connection_id:
        raise GatewayError(400, "invalid_headers", "Missing header Connection-Id or Provider-Config-Key")
    return await gateway.live.stored_id(key, connection_id)


async def prune_records(call: Call[PruneBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    pk = await _connection_pk(call)
    count, more = await gateway.syncs.records.prune(pk, call.body.model, call.body.until_cursor, call.body.limit)
    return Json({"count": count, "has_more": more})


async def list_records(call: Call[Any, RecordsQuery]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    pk = await _connection_pk(call)
    query = call.query
    actions = [a.strip().upper() for a in (query.filter or "").split(",") if a.strip()]
    records, next_cursor = await gateway.syncs.records.list_json(
        pk,
        query.model,
        limit=query.limit,
        cursor=query.cursor,
        modified_after=query.modified_after,
        ids=_ids(query.ids),
        actions=actions,
    )
    body = b'{"records":[' + b",".join(records) + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"
    return Response(body, media_type="application/json")


async def list_records_slash(call: Call[Any, RecordsQuery]) -> Response:
    """``GET /records/``, the path Nango's SDK calls."""
    return await list_records(call)


def _endpoint(path: str, handler: Any) -> Endpoint:
    return Endpoint(
        "GET",
        path,
        handler,
        "List a connection's synced records",
        "records",
        query=RecordsQuery,
        response=RecordsPage,
        errors=(400, 404),
        headers=CONNECTION,
        description="Ordered by last modification; each record's `_nango_metadata` has `first_seen_at`, "
        "`last_modified_at`, `last_action` (ADDED, UPDATED, DELETED), `deleted_at` and its `cursor`. Store the "
        "last cursor and send it to read only what changed since.",
    )


ENDPOINTS = [
    _endpoint("/records", list_records),
    _endpoint("/records/", list_records_slash),
    Endpoint(
        "PATCH",
        "/records/prune",
        prune_records,
        "Empty the payloads of records up to a cursor",
        "records",
        body=PruneBody,
        response=Pruned,
        errors=(400, 404),
        headers=CONNECTION,
        description="The records stay listed with their metadata and `pruned_at`; only the object is dropped.",
    ),
]
