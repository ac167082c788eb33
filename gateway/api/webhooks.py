"""Webhook settings and deliveries: where Unigate sends events, the signing key, and what each attempt gave.

``PATCH /environment/webhook-settings`` sets the URLs and which events go out; ``POST
/environment/webhook-signing-key/rotate`` makes a new signing key (answered once; ``GET
/environment/webhook-signing-key`` shows it again); ``GET /environment/webhook-deliveries`` lists the outbox.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator
from sqlmodel import col, select
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint
from gateway.api.responses import Json
from gateway.outbox import SETTINGS_ID
from gateway.runtime import Gateway
from gateway.store.tables import WebhookDelivery, WebhookSettings
from gateway.store.types import utcnow
from gateway.webhook_delivery import new_signing_key

FLAGS = (
    "on_auth_creation",
    "on_auth_refresh_error",
    "on_sync_completion_always",
    "on_sync_error",
    "on_async_action_completion",
)


class SettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    primary_url: AnyHttpUrl | None = Field(default=None, description="Where webhooks go; null stops them")
    secondary_url: AnyHttpUrl | None = Field(default=None, description="A second URL receiving the same webhooks")
    on_auth_creation: bool | None = Field(default=None, description="auth: connections created or overridden")
    on_auth_refresh_error: bool | None = Field(default=None, description="auth: a token refresh failed")
    on_sync_completion_always: bool | None = Field(
        default=None, description="sync: also runs that changed nothing (runs with changes are always sent)"
    )
    on_sync_error: bool | None = Field(default=None, description="sync: a run failed")
    on_async_action_completion: bool | None = Field(default=None, description="async_action: a run ended")

    @field_validator(*FLAGS)
    @classmethod
    def _not_null(cls, value: bool | None) -> bool:
        if value is None:
            raise ValueError("send true or false (leave the field out to keep it)")
        return value


class SettingsData(BaseModel):
    primary_url: str | None
    secondary_url: str | None
    on_auth_creation: bool
    on_auth_refresh_error: bool
    on_sync_completion_always: bool
    on_sync_error: bool
    on_async_action_completion: bool
    has_signing_key: bool = Field(description="Whether webhooks are signed (rotate to make a key)")


class SettingsAnswer(BaseModel):
    data: SettingsData


class SigningKeyAnswer(BaseModel):
    data: dict[str, str] = Field(description="`{signing_key}`: HMAC-SHA256 key of `X-Nango-Hmac-Sha256`")


class DeliveriesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["pending", "delivered", "failed"] | None = None
    limit: int = Field(default=50, ge=1, le=500)


class DeliveriesAnswer(BaseModel):
    data: list[dict[str, Any]]


def _data(row: WebhookSettings | None) -> dict[str, Any]:
    row = row or WebhookSettings(id=SETTINGS_ID)
    return {
        "primary_url": row.primary_url,
        "secondary_url": row.secondary_url,
        **{flag: getattr(row, flag) for flag in FLAGS},
        "has_signing_key": row.signing_key is not None,
    }


async def get_settings(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    async with gateway.sessions() as session:
        return Json({"data": _data(await session.get(WebhookSettings, SETTINGS_ID))})


async def patch_settings(call: Call[SettingsPatch, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    sent = call.body.model_dump(exclude_unset=True)
    async with gateway.sessions() as session:
        row = await session.get(WebhookSettings, SETTINGS_ID) or WebhookSettings(id=SETTINGS_ID)
        for name, value in sent.items():
            setattr(row, name, str(value) if name.endswith("_url") and value is not None else value)
        row.updated_at = utcnow()
        session.add(row)
        await session.commit()
        await session.refresh(row)
        return Json({"data": _data(row)})


async def rotate_key(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    key = new_signing_key()
    async with gateway.sessions() as session:
        row = await session.get(WebhookSettings, SETTINGS_ID) or WebhookSettings(id=SETTINGS_ID)
        row.signing_key = gateway.vault.seal(WebhookSettings, "signing_key", {"key": key})
        row.updated_at = utcnow()
        session.add(row)
        await session.commit()
    return Json({"data": {"signing_key": key}})


async def get_key(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    key = await gateway.webhooks.signing_key()
    return Json({"data": {"signing_key": key or ""}})


async def list_deliveries(call: Call[Any, DeliveriesQuery]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    query = select(WebhookDelivery).order_by(col(WebhookDelivery.id).desc()).limit(call.query.limit)
    if call.query.status:
        query = query.where(WebhookDelivery.status == call.query.status)
    async with gateway.sessions() as session:
        rows = (await session.exec(query)).all()
    data = [
        {
            "id": row.id,
            "type": row.event_type,
            "url": row.url,
            "status": row.status,
            "attempts": row.attempts,
            "last_status_code": row.last_status_code,
            "last_error": row.last_error,
            "created_at": row.created_at.isoformat(),
            "next_attempt_at": row.next_attempt_at.isoformat() if row.status == "pending" else None,
            "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
            "payload": gateway.vault.open(WebhookDelivery, "payload", row.payload),
        }
        for row in rows
    ]
    return Json({"data": data})


TAG = "webhooks"
ENDPOINTS = [
    Endpoint("GET", "/environment/webhook-settings", get_settings, "Webhook settings", TAG, response=SettingsAnswer),
    Endpoint(
        "PATCH",
        "/environment/webhook-settings",
        patch_settings,
        "Change webhook settings (only the fields sent)",
        TAG,
        body=SettingsPatch,
        response=SettingsAnswer,
    ),
    Endpoint(
        "POST",
        "/environment/webhook-signing-key/rotate",
        rotate_key,
        "Make a new webhook signing key",
        TAG,
        response=SigningKeyAnswer,
        description="Webhooks sent from now on are signed with the new key; the old one stops at once.",
    ),
    Endpoint(
        "GET", "/environment/webhook-signing-key", get_key, "The webhook signing key", TAG, response=SigningKeyAnswer
    ),
    Endpoint(
        "GET",
        "/environment/webhook-deliveries",
        list_deliveries,
        "Webhooks sent and waiting, newest first, with each one's attempts",
        TAG,
        query=DeliveriesQuery,
        response=DeliveriesAnswer,
    ),
]
