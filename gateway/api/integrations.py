"""Integrations: ``GET|POST /integrations`` and ``GET|PATCH|DELETE /integrations/{unique_key}``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlmodel import col, delete
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json, Success, success
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.conflicts import commit_or_conflict
from gateway.store.integrations import duplicate_key, ensure_key_free, list_integrations, require_integration
from gateway.store.locking import begin_write
from gateway.store.tables import Connection, Integration
from gateway.store.types import utcnow

UniqueKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]

# Auth modes whose integration holds app credentials, and the credential type each takes.
INTEGRATION_CREDENTIAL_TYPES = {
    "OAUTH2": "OAUTH2",
    "OAUTH1": "OAUTH1",
    "TBA": "TBA",
    "MCP_OAUTH2": "OAUTH2",
    "APP": "APP",
    "CUSTOM": "CUSTOM",
}


class OAuthAppCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["OAUTH2", "OAUTH1", "TBA"]
    client_id: NonEmpty
    client_secret: NonEmpty
    scopes: str | None = Field(default=None, description="Comma-separated scopes, e.g. 'repo,read:user'")

    @field_validator("scopes", mode="before")
    @classmethod
    def _join_scope_list(cls, value: Any) -> Any:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ",".join(value)
        return value


class AppCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["APP"]
    app_id: NonEmpty
    app_link: NonEmpty
    private_key: NonEmpty


class CustomAppCredentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["CUSTOM"]
    client_id: NonEmpty
    client_secret: NonEmpty
    app_id: NonEmpty
    app_link: NonEmpty
    private_key: NonEmpty


IntegrationCredentials = Annotated[
    OAuthAppCredentials | AppCredentials | CustomAppCredentials, Field(discriminator="type")
]


class CreateIntegration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    provider: NonEmpty = Field(description="Catalog provider name, e.g. 'github'")
    unique_key: UniqueKey = Field(description="Your name for this integration, e.g. 'github-prod'")
    display_name: Annotated[str, StringConstraints(max_length=255)] | None = None
    credentials: IntegrationCredentials | None = None
    custom: dict[str, str] | None = None
    forward_webhooks: bool | None = None


class UpdateIntegration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unique_key: UniqueKey | None = Field(default=None, description="Rename the integration")
    display_name: Annotated[str, StringConstraints(max_length=255)] | None = None
    credentials: IntegrationCredentials | None = None
    custom: dict[str, str] | None = None


class IncludeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    include: str | None = Field(default=None, description="Comma-separated: 'credentials' (client secret), 'webhook'")

    def wants(self, part: str) -> bool:
        return part in {p.strip() for p in (self.include or "").split(",")}


class IntegrationOut(BaseModel):
    unique_key: str
    provider: str
    display_name: str
    logo: str | None
    created_at: datetime
    updated_at: datetime
    credentials: dict[str, Any] | None = None
    webhook_url: str | None = None


class IntegrationList(BaseModel):
    data: list[IntegrationOut]


class IntegrationEnvelope(BaseModel):
    data: IntegrationOut


def _gateway(call: Call[Any, Any]) -> Gateway:
    gateway: Gateway = call.request.app.state.gateway
    return gateway


def _check_provider(gateway: Gateway, provider: str) -> dict[str, Any]:
    if provider not in gateway.catalog:
        raise GatewayError(
            400,
            "invalid_body",
            f"provider: {provider!r} is not in the catalog; pick a name from GET /providers",
            errors=[{"code": "unknown_provider", "message": "unknown provider", "path": ["provider"]}],
        )
    entry: dict[str, Any] = gateway.catalog[provider]
    return entry


def _check_credentials(provider: str, entry: dict[str, Any], credentials: IntegrationCredentials | None) -> None:
    if credentials is None:
        return
    mode = str(entry.get("auth_mode", "NONE"))
    expected = INTEGRATION_CREDENTIAL_TYPES.get(mode)
    if expected is None:
        raise GatewayError(
            400,
            "invalid_body",
            f"credentials: provider {provider!r} uses {mode}, whose credentials belong to each connection; "
            "remove credentials from the integration",
        )
    if credentials.type != expected:
        raise GatewayError(
            400,
            "invalid_body",
            f"credentials.type: provider {provider!r} uses {mode}; send credentials of type {expected}",
        )


def _apply_credentials(gateway: Gateway, row: Integration, credentials: IntegrationCredentials) -> None:
    row.credentials_type = credentials.type
    secret: dict[str, Any] = {}
    if isinstance(credentials, OAuthAppCredentials | CustomAppCredentials):
        row.client_id = credentials.client_id
        secret["client_secret"] = credentials.client_secret
    if isinstance(credentials, OAuthAppCredentials):
        row.scopes = credentials.scopes
    if isinstance(credentials, AppCredentials | CustomAppCredentials):
        row.app_id, row.app_link = credentials.app_id, credentials.app_link
        secret["private_key"] = credentials.private_key
    row.secrets = gateway.vault.seal(Integration, "secrets", secret)


def integration_body(gateway: Gateway, row: Integration, include: IncludeQuery | None = None) -> dict[str, Any]:
    entry = gateway.catalog.get(row.provider, {})
    body: dict[str, Any] = {
        "unique_key": row.unique_key,
        "provider": row.provider,
        "display_name": row.display_name or entry.get("display_name", row.provider),
        "logo": None,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
    if include and include.wants("credentials"):
        secret = gateway.vault.open(Integration, "secrets", row.secrets) if row.secrets else {}
        body["credentials"] = (
            {
                "type": row.credentials_type,
                "client_id": row.client_id,
                "scopes": row.scopes,
                "app_id": row.app_id,
                "app_link": row.app_link,
                **secret,
            }
            if row.credentials_type
            else None
        )
    if include and include.wants("webhook"):
        body["webhook_url"] = f"{gateway.settings.resolved_public_url}/webhook/{row.unique_key}"
    return body


async def list_all(call: Call[Any, Any]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        rows = await list_integrations(session)
    return Json({"data": [integration_body(gateway, r) for r in rows]})


async def create(call: Call[CreateIntegration, Any]) -> Response:
    gateway, body = _gateway(call), call.body
    entry = _check_provider(gateway, body.provider)
    _check_credentials(body.provider, entry, body.credentials)
    row = Integration(
        unique_key=body.unique_key,
        provider=body.provider,
        display_name=body.display_name,
        custom=body.custom or {},
    )
    if body.credentials is not None:
        _apply_credentials(gateway, row, body.credentials)
        if row.scopes is None and entry.get("default_scopes"):
            row.scopes = ",".join(map(str, entry["default_scopes"]))
    async with gateway.sessions() as session:
        await ensure_key_free(session, body.unique_key)
        session.add(row)
        await commit_or_conflict(session, duplicate_key(body.unique_key))
    return Json({"data": integration_body(gateway, row)})


async def get_one(call: Call[Any, IncludeQuery]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        row = await require_integration(session, call.path["unique_key"])
    return Json({"data": integration_body(gateway, row, call.query)})


async def update(call: Call[UpdateIntegration, Any]) -> Response:
    gateway, body = _gateway(call), call.body
    async with gateway.sessions() as session:
        await begin_write(session)  # a concurrent DELETE waits for this commit, or this finds nothing (404)
        row = await require_integration(session, call.path["unique_key"], for_update=True)
        if body.unique_key and body.unique_key != row.unique_key:
            await ensure_key_free(session, body.unique_key)
            row.unique_key = body.unique_key
        if body.display_name is not None:
            row.display_name = body.display_name
        if body.credentials is not None:
            _check_credentials(row.provider, gateway.catalog.get(row.provider, {}), body.credentials)
            _apply_credentials(gateway, row, body.credentials)
        if body.custom is not None:
            row.custom = body.custom
        row.updated_at = utcnow()
        session.add(row)
        await commit_or_conflict(session, duplicate_key(row.unique_key))
    gateway.live.invalidate(call.path["unique_key"])
    return Json({"data": integration_body(gateway, row)})


async def remove(call: Call[Any, Any]) -> Response:
    gateway = _gateway(call)
    async with gateway.sessions() as session:
        await begin_write(session)
        row = await require_integration(session, call.path["unique_key"], for_update=True)
        await session.exec(delete(Connection).where(col(Connection.integration_id) == row.id))
        await session.delete(row)
        await session.commit()
    gateway.live.invalidate(call.path["unique_key"])
    return success()


ENDPOINTS = [
    Endpoint("GET", "/integrations", list_all, "List integrations", "integrations", response=IntegrationList),
    Endpoint(
        "POST",
        "/integrations",
        create,
        "Create an integration",
        "integrations",
        body=CreateIntegration,
        response=IntegrationEnvelope,
        errors=(400, 409),
    ),
    Endpoint(
        "GET",
        "/integrations/{unique_key}",
        get_one,
        "Get an integration",
        "integrations",
        query=IncludeQuery,
        response=IntegrationEnvelope,
        errors=(404,),
        description="The client secret is returned only with include=credentials.",
    ),
    Endpoint(
        "PATCH",
        "/integrations/{unique_key}",
        update,
        "Update or rename an integration",
        "integrations",
        body=UpdateIntegration,
        response=IntegrationEnvelope,
        errors=(400, 404, 409),
    ),
    Endpoint(
        "DELETE",
        "/integrations/{unique_key}",
        remove,
        "Delete an integration and its connections",
        "integrations",
        response=Success,
        errors=(404,),
    ),
]
