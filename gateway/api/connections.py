"""Connections: list, import, get (with credentials), patch and delete."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlmodel import col, func, or_, select, update
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json, Success, success
from gateway.auth.refresh import fresh_credentials
from gateway.auth.saving import (
    NewConnection,
    check_config,
    require_integration_for,
    run_pre_connection_deletion,
    save_connection,
)
from gateway.credential_models import (
    CREDENTIAL_TYPE_FOR_AUTH_MODE,
    ON_REQUEST_FIELDS,
    Credentials,
    OAuth2Credentials,
    expiry_of,
)
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.connections import require_connection, unknown_connection
from gateway.store.locking import begin_write
from gateway.store.tables import Connection, Integration
from gateway.store.types import utcnow

ConnectionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@:|-]{1,255}$")]
IntegrationKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]
TAG_PARAM = re.compile(r"^tags\[([^\]]{1,64})\]$")


class EndUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    display_name: Annotated[str, StringConstraints(max_length=255)] | None = None
    organization_id: Annotated[str, StringConstraints(max_length=255)] | None = None
    tags: dict[str, str] | None = None


Tags = Annotated[dict[Annotated[str, StringConstraints(min_length=1, max_length=64)], str], Field(max_length=64)]


class ImportConnection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_config_key: IntegrationKey = Field(description="The integration's unique_key")
    connection_id: ConnectionId | None = Field(default=None, description="Generated (UUIDv4) when omitted")
    credentials: Credentials
    connection_config: dict[str, Any] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    end_user: EndUser | None = None
    tags: Tags = Field(default_factory=dict)


class PatchConnection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    end_user: EndUser | None = None
    tags: Tags | None = None


class ConnectionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_config_key: IntegrationKey = Field(description="The integration's unique_key")
    refresh_token: bool = Field(default=False, description="Include the OAuth refresh token")
    force_refresh: bool = False
    refresh_github_app_jwt_token: bool = False


class ConnectionListQuery(BaseModel):
    """Filters of ``GET /connections``; ``tags[key]=value`` parameters filter by tag."""

    model_config = ConfigDict(extra="allow")
    connectionId: str | None = None
    search: str | None = None
    endUserId: str | None = None
    endUserOrganizationId: str | None = None
    integrationId: str | None = Field(default=None, description="Comma-separated integration keys")
    page: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=100, ge=1, le=2000)

    @model_validator(mode="after")
    def _only_tag_extras(self) -> ConnectionListQuery:
        for key in self.model_extra or {}:
            if not TAG_PARAM.match(key):
                raise ValueError(f"unknown query parameter {key!r}; filter by tag with tags[name]=value")
        return self

    def tags(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, value in (self.model_extra or {}).items():
            match = TAG_PARAM.match(key)
            if match:
                found[match.group(1)] = str(value)
        return found


class ConnectionSummary(BaseModel):
    id: int
    connection_id: str
    provider_config_key: str
    provider: str
    created: str
    metadata: dict[str, Any]
    errors: list[dict[str, Any]]
    end_user: dict[str, Any] | None
    tags: dict[str, str]


class ConnectionList(BaseModel):
    connections: list[ConnectionSummary]


class ConnectionOut(BaseModel):
    id: int
    connection_id: str
    provider_config_key: str
    provider: str
    connection_config: dict[str, Any]
    metadata: dict[str, Any]
    created_at: str
    updated_at: str
    last_fetched_at: str | None
    errors: list[dict[str, Any]]
    end_user: dict[str, Any] | None
    tags: dict[str, str]
    credentials: dict[str, Any]


LIKE_ESCAPE = "\\"


def like_literal(text: str) -> str:
    """``text`` for a LIKE pattern in which ``%``, ``_`` and the escape character match only themselves."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def integration_id(integration: Integration) -> int:
    assert integration.id is not None, "stored integrations have an id"
    return integration.id


def _gateway(call: Call[Any, Any]) -> Gateway:
    gateway: Gateway = call.request.app.state.gateway
    return gateway


def connection_errors(row: Connection) -> list[dict[str, Any]]:
    if row.last_refresh_failure_at is None:
        return []
    return [{"type": "auth", "log_id": None, "message": row.last_refresh_error}]


def summary(row: Connection, integration: Integration) -> dict[str, Any]:
    return {
        "id": row.id,
        "connection_id": row.connection_id,
        "provider_config_key": integration.unique_key,
        "provider": integration.provider,
        "created": row.created_at,
        "metadata": row.metadata_,
        "errors": connection_errors(row),
        "end_user": row.end_user,
        "tags": row.tags,
    }


def detail(gateway: Gateway, row: Connection, integration: Integration, with_refresh_token: bool) -> dict[str, Any]:
    stored = gateway.vault.open(Connection, "credentials", row.credentials)
    credentials = {k: v for k, v in stored.items() if not k.startswith("_")}  # "_client": the connection's OAuth app
    if not with_refresh_token:
        for name in ON_REQUEST_FIELDS:
            credentials.pop(name, None)
    body = summary(row, integration)
    del body["created"]
    return {
        **body,
        "connection_config": row.connection_config,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "last_fetched_at": row.last_fetched_at,
        "credentials": credentials,
    }


def _check_import(entry: dict[str, Any], integration: Integration, body: ImportConnection) -> None:
    check_config(entry, body.connection_config)
    mode = str(entry.get("auth_mode", "NONE"))
    expected = CREDENTIAL_TYPE_FOR_AUTH_MODE.get(mode)
    if expected is not None and body.credentials.type != expected:
        raise GatewayError(
            400,
            "invalid_auth_mode",
            f"credentials.type: integration {integration.unique_key!r} uses provider {integration.provider!r} "
            f"with auth mode {mode}; send credentials of type {expected}",
        )
    credentials = body.credentials
    if isinstance(credentials, OAuth2Credentials) and credentials.expires_at is None and not credentials.no_expiration:
        raise GatewayError(
            400,
            "invalid_body",
            "credentials.expires_at: required for OAUTH2 imports; send the access token's expiry (ISO-8601 with "
            "a time zone) or no_expiration: true",
        )


async def list_all(call: Call[Any, ConnectionListQuery]) -> Response:
    gateway, q = _gateway(call), call.query
    query = select(Connection, Integration).join(
        Integration,
        Connection.integration_id == Integration.id,  # type: ignore[arg-type]
    )
    if q.connectionId:
        query = query.where(Connection.connection_id == q.connectionId)
    if q.search:
        needle = f"%{like_literal(q.search.lower())}%"
        query = query.where(
            or_(
                func.lower(Connection.connection_id).like(needle, escape=LIKE_ESCAPE),
                func.lower(col(Connection.end_user_id)).like(needle, escape=LIKE_ESCAPE),
            )
        )
    if q.endUserId:
        query = query.where(Connection.end_user_id == q.endUserId)
    if q.integrationId:
        keys = [k.strip() for k in q.integrationId.split(",") if k.strip()]
        query = query.where(col(Integration.unique_key).in_(keys))
    query = query.order_by(col(Connection.created_at).desc(), col(Connection.id).desc())
    tags, org = q.tags(), q.endUserOrganizationId
    if not tags and org is None:
        query = query.offset(q.page * q.limit).limit(q.limit)
    async with gateway.sessions() as session:
        rows = (await session.exec(query)).all()
    if tags or org is not None:  # JSON fields: filtered here, the same way on SQLite and PostgreSQL
        rows = [
            (c, i)
            for c, i in rows
            if all(c.tags.get(k) == v for k, v in tags.items())
            and (org is None or (c.end_user or {}).get("organization_id") == org)
        ][q.page * q.limit : (q.page + 1) * q.limit]
    return Json({"connections": [summary(c, i) for c, i in rows]})


async def import_connection(call: Call[ImportConnection, Any]) -> Response:
    gateway, body = _gateway(call), call.body
    integration, entry = await require_integration_for(gateway, body.provider_config_key)
    _check_import(entry, integration, body)
    credentials = body.credentials.model_dump(mode="json", exclude_none=True)
    credentials.pop("no_expiration", None)
    row, created = await save_connection(
        gateway,
        integration,
        NewConnection(
            credentials=credentials,
            expires_at=expiry_of(body.credentials),
            connection_id=body.connection_id,
            connection_config=body.connection_config,
            metadata=body.metadata,
            end_user=body.end_user.model_dump(exclude_none=True) if body.end_user else None,
            tags=body.tags,
        ),
    )
    return Json(detail(gateway, row, integration, with_refresh_token=True), status_code=201 if created else 200)


async def get_one(call: Call[Any, ConnectionQuery]) -> Response:
    """The connection with its credentials, refreshed first when they are due (or with force_refresh=true)."""
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        found, _ = await require_connection(session, call.query.provider_config_key, call.path["connection_id"])
    assert found.id is not None
    await fresh_credentials(gateway.tokens, found.id, force=call.query.force_refresh)
    gateway.live.forget(call.query.provider_config_key, call.path["connection_id"])
    async with gateway.sessions() as session:
        row, integration = await require_connection(session, call.query.provider_config_key, call.path["connection_id"])
        now = utcnow()
        # An UPDATE by id, not a flush of the row: a connection deleted meanwhile is a 404, not a stale-data error.
        touched = await session.exec(update(Connection).where(col(Connection.id) == row.id).values(last_fetched_at=now))
        await session.commit()
    if touched.rowcount == 0:
        raise unknown_connection(call.path["connection_id"], call.query.provider_config_key)
    row.last_fetched_at = now
    return Json(detail(gateway, row, integration, with_refresh_token=call.query.refresh_token))


class KeyQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider_config_key: IntegrationKey = Field(description="The integration's unique_key")


async def patch(call: Call[PatchConnection, KeyQuery]) -> Response:
    gateway, body = _gateway(call), call.body
    async with gateway.sessions() as session:
        await begin_write(session)  # a concurrent DELETE waits for this commit, or this finds nothing (404)
        row, _ = await require_connection(
            session, call.query.provider_config_key, call.path["connection_id"], for_update=True
        )
        if body.end_user is not None:
            row.end_user = body.end_user.model_dump(exclude_none=True)
            row.end_user_id = body.end_user.id
        if body.tags is not None:
            row.tags = body.tags
        row.updated_at = utcnow()
        session.add(row)
        await session.commit()
    return success()


async def remove(call: Call[Any, KeyQuery]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        row, integration = await require_connection(session, call.query.provider_config_key, call.path["connection_id"])
    await run_pre_connection_deletion(gateway, integration, row)
    async with gateway.sessions() as session:
        await begin_write(session)
        row, _ = await require_connection(
            session, call.query.provider_config_key, call.path["connection_id"], for_update=True
        )
        await session.delete(row)
        await session.commit()
    gateway.live.invalidate(call.query.provider_config_key, call.path["connection_id"])
    return success()


ENDPOINTS = [
    Endpoint(
        "GET",
        "/connections",
        list_all,
        "List connections (never with credentials)",
        "connections",
        query=ConnectionListQuery,
        response=ConnectionList,
    ),
    Endpoint(
        "POST",
        "/connections",
        import_connection,
        "Import a connection with its credentials",
        "connections",
        body=ImportConnection,
        response=ConnectionOut,
        status=201,
        errors=(400, 404),
    ),
    Endpoint(
        "GET",
        "/connections/{connection_id}",
        get_one,
        "Get a connection with its credentials",
        "connections",
        query=ConnectionQuery,
        response=ConnectionOut,
        errors=(400, 404),
        description="The refresh token is included only with refresh_token=true.",
    ),
    Endpoint(
        "PATCH",
        "/connections/{connection_id}",
        patch,
        "Update a connection's end user or tags",
        "connections",
        body=PatchConnection,
        query=KeyQuery,
        response=Success,
        errors=(400, 404),
    ),
    Endpoint(
        "DELETE",
        "/connections/{connection_id}",
        remove,
        "Delete a connection",
        "connections",
        query=KeyQuery,
        response=Success,
        errors=(400, 404),
    ),
]
