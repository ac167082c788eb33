"""Connection metadata: ``POST /connections/metadata`` replaces it, ``PATCH`` merges it (shallowly)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.runtime import Gateway
from gateway.store.connections import require_connections
from gateway.store.locking import begin_write
from gateway.store.types import utcnow

ConnectionIds = (
    str | Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1, max_length=1000)]
)


class MetadataBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connection_id: ConnectionIds = Field(description="One connection id or a list of them")
    provider_config_key: Annotated[str, StringConstraints(min_length=1)]
    metadata: dict[str, Any]


async def _write(call: Call[MetadataBody, Any], merge: bool) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    body = call.body
    ids = [body.connection_id] if isinstance(body.connection_id, str) else body.connection_id
    async with gateway.sessions() as session:
        await begin_write(session)  # a merge reads then writes: concurrent merges must not lose each other's keys
        rows = await require_connections(session, body.provider_config_key, list(dict.fromkeys(ids)), for_update=True)
        now = utcnow()
        for row in rows:
            row.metadata_ = {**row.metadata_, **body.metadata} if merge else dict(body.metadata)
            row.updated_at = now
            session.add(row)
        await session.commit()
    return Json(body.model_dump(mode="json"))


async def replace_metadata(call: Call[MetadataBody, Any]) -> Response:
    return await _write(call, merge=False)


async def merge_metadata(call: Call[MetadataBody, Any]) -> Response:
    return await _write(call, merge=True)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/connections/metadata",
        replace_metadata,
        "Replace connections' metadata",
        "connections",
        body=MetadataBody,
        response=MetadataBody,
        errors=(400, 404),
    ),
    Endpoint(
        "PATCH",
        "/connections/metadata",
        merge_metadata,
        "Merge into connections' metadata",
        "connections",
        body=MetadataBody,
        response=MetadataBody,
        errors=(400, 404),
    ),
]
