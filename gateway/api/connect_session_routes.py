"""Connect sessions: create (or reconnect) with the secret key; read and revoke with the session token."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import delete
from starlette.responses import Response

from gateway.api.connections import EndUser, Tags
from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json, Success, success
from gateway.auth.connect_sessions import TTL, find_session, new_token, token_digest
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.connections import require_connection
from gateway.store.integrations import get_integration
from gateway.store.tables import ConnectSession
from gateway.store.types import utcnow

Key = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class Organization(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Key
    display_name: Annotated[str, StringConstraints(max_length=255)] | None = None


class IntegrationDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_scopes: str | None = None
    authorization_params: dict[str, str] | None = None
    connection_config: dict[str, Any] | None = None


class CreateSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    end_user: EndUser | None = None
    organization: Organization | None = None
    allowed_integrations: list[Key] | None = Field(default=None, description="Integrations the session may use")
    integrations_config_defaults: dict[str, IntegrationDefaults] = Field(default_factory=dict)
    tags: Tags = Field(default_factory=dict)
    overrides: dict[str, Any] | None = None
    webhook_url_override: str | None = None


class ReconnectSession(CreateSession):
    connection_id: Key
    integration_id: Key


class SessionData(BaseModel):
    token: str
    connect_link: str
    expires_at: str


class SessionEnvelope(BaseModel):
    data: SessionData


def _gateway(call: Call[Any, Any]) -> Gateway:
    gateway: Gateway = call.request.app.state.gateway
    return gateway


async def _create(gateway: Gateway, body: CreateSession, reconnect: tuple[str, str] | None) -> Response:
    if body.end_user is None and not body.tags:
        raise GatewayError(400, "invalid_body", "end_user: required unless tags are given; send end_user: {id: ...}")
    async with gateway.sessions() as session:
        for key in [*(body.allowed_integrations or []), *body.integrations_config_defaults]:
            if await get_integration(session, key) is None:
                raise GatewayError(400, "invalid_body", f"allowed_integrations: no integration {key!r}")
        if reconnect is not None:
            connection, _ = await require_connection(session, reconnect[0], reconnect[1])
            if body.end_user is not None and connection.end_user_id not in (None, body.end_user.id):
                raise GatewayError(
                    400,
                    "end_user_mismatch",
                    f"end_user.id: connection {reconnect[1]!r} belongs to end user {connection.end_user_id!r}; "
                    "send that end user, or omit end_user",
                )
        token = new_token()
        row = ConnectSession(
            token_hash=token_digest(token),
            end_user=body.end_user.model_dump(exclude_none=True) if body.end_user else None,
            organization=body.organization.model_dump(exclude_none=True) if body.organization else None,
            allowed_integrations=[reconnect[0]] if reconnect else body.allowed_integrations,
            integrations_config_defaults={
                k: v.model_dump(exclude_none=True) for k, v in body.integrations_config_defaults.items()
            },
            tags=body.tags,
            reconnect_integration=reconnect[0] if reconnect else None,
            reconnect_connection_id=reconnect[1] if reconnect else None,
            expires_at=utcnow() + TTL,
        )
        session.add(row)
        await session.commit()
    link = f"{gateway.settings.resolved_public_url}/connect?session_token={token}"
    return Json({"data": {"token": token, "connect_link": link, "expires_at": row.expires_at}}, status_code=201)


async def create_session(call: Call[CreateSession, Any]) -> Response:
    return await _create(_gateway(call), call.body, None)


async def create_reconnect_session(call: Call[ReconnectSession, Any]) -> Response:
    body = call.body
    return await _create(_gateway(call), body, (body.integration_id, body.connection_id))


def _session_token(call: Call[Any, Any]) -> str:
    header = call.request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise GatewayError(401, "missing_auth_header", "Send 'Authorization: Bearer <connect session token>'")
    return header[7:].strip()


async def get_session(call: Call[Any, Any]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        row = await find_session(session, _session_token(call))
    return Json(
        {
            "data": {
                "end_user": row.end_user,
                "organization": row.organization,
                "allowed_integrations": row.allowed_integrations,
                "integrations_config_defaults": row.integrations_config_defaults,
                "tags": row.tags,
                "expires_at": row.expires_at,
            }
        }
    )


async def delete_session(call: Call[Any, Any]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        row = await find_session(session, _session_token(call))
        await session.exec(delete(ConnectSession).where(ConnectSession.id == row.id))  # type: ignore[arg-type]
        await session.commit()
    return success()


ENDPOINTS = [
    Endpoint(
        "POST",
        "/connect/sessions",
        create_session,
        "Create a connect session for an end user",
        "connect",
        body=CreateSession,
        response=SessionEnvelope,
        status=201,
        errors=(400,),
    ),
    Endpoint(
        "POST",
        "/connect/sessions/reconnect",
        create_reconnect_session,
        "Create a session that re-authorises one connection",
        "connect",
        body=ReconnectSession,
        response=SessionEnvelope,
        status=201,
        errors=(400, 404),
    ),
    Endpoint(
        "GET",
        "/connect/session",
        get_session,
        "Read the current connect session (session token)",
        "connect",
        public=True,
        errors=(401,),
    ),
    Endpoint(
        "DELETE",
        "/connect/session",
        delete_session,
        "Revoke the current connect session (session token)",
        "connect",
        response=Success,
        public=True,
        errors=(401,),
    ),
]
