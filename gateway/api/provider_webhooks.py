"""Webhooks from providers: ``POST /webhook/{environment}/{integration}``, and the integration's webhook secret.

The route is public (the provider calls it): the provider's plugin verifies the signature with the integration's
webhook secret (``PUT /integrations/{key}/webhook-secret``) before anything is stored or forwarded; a mismatch is
401 and changes nothing. The changes are merged into the connections' records and the payload is forwarded to the
customer's app (``forward`` webhooks).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from gateway.api.endpoint import Call, Endpoint, read_body
from gateway.api.responses import Json
from gateway.errors import GatewayError
from gateway.provider import IncomingWebhook, WebhookRejected
from gateway.runtime import Gateway
from gateway.store.integrations import require_integration
from gateway.store.tables import Integration
from gateway.syncs.webhook_merge import merge, targets
from gateway.syncs.webhook_refetch import with_refetched

log = logging.getLogger("unigate")
ENVIRONMENT = "prod"


class SecretBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: str = Field(min_length=8, max_length=512, description="The secret the provider signs webhooks with")


class WebhookSecretAnswer(BaseModel):
    data: dict[str, str] = Field(description="`{webhook_url}`: where to point the provider's webhooks")


def webhook_url(gateway: Gateway, key: str) -> str:
    return f"{gateway.settings.resolved_public_url}/webhook/{ENVIRONMENT}/{key}"


UNREAD = object()  # save_secret's ``expected`` when any stored secret may be replaced


async def save_secret(gateway: Gateway, key: str, secret: str, expected: object = UNREAD) -> None:
    """Seal ``secret`` as integration ``key``'s webhook secret; 409 if ``expected`` is given and no longer stored."""
    async with gateway.sessions() as session:
        integration = await require_integration(session, key, for_update=True)
        stored = gateway.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
        if expected is not UNREAD and stored.get("webhook_secret") != expected:
            raise GatewayError(409, "conflict", "The integration's webhook secret changed meanwhile; try again")
        stored["webhook_secret"] = secret
        integration.secrets = gateway.vault.seal(Integration, "secrets", stored)
        session.add(integration)
        await session.commit()


async def set_secret(call: Call[SecretBody, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    await save_secret(gateway, call.path["unique_key"], call.body.secret)
    return Json({"data": {"webhook_url": webhook_url(gateway, call.path["unique_key"])}})


async def receive(call: Call[Any, Any]) -> Response:
    gateway: Gateway = call.request.app.state.gateway
    key = call.path["integration"]
    if call.path["environment"] != ENVIRONMENT:
        raise GatewayError(
            404, "not_found", f"No environment {call.path['environment']!r}; webhooks go to /{ENVIRONMENT}/"
        )
    async with gateway.sessions() as session:
        integration = await require_integration(session, key)
    provider = gateway.providers.get(integration.provider)
    secrets = gateway.vault.open(Integration, "secrets", integration.secrets) if integration.secrets else {}
    headers = {name.lower(): value for name, value in call.request.headers.items()}
    incoming = IncomingWebhook(
        key, integration.provider, headers, await read_body(call.request), secrets.get("webhook_secret")
    )
    result = await provider.handle_webhook(incoming) if provider is not None else None
    if result is None:
        raise GatewayError(404, "not_found", f"No plugin handles {integration.provider} webhooks")
    if result.store_secret is not None:  # a handshake: nothing to merge or forward
        await save_secret(gateway, key, result.store_secret, expected=incoming.secret)
        return Json(result.response or {"success": True}, headers=dict(result.response_headers))
    if result.payload is None:
        try:
            result.payload = json.loads(incoming.body or b"null")
        except ValueError:
            result.payload = incoming.body.decode("utf-8", "replace")
    merged = []
    services = (gateway.live, gateway.providers, gateway.outbound, gateway.field_mappings)
    for connection in await targets(gateway.syncs.records, integration.id or 0, result):
        complete = await with_refetched(*services, key, connection[1], result)
        counts = await merge(
            gateway.syncs.records,
            gateway.outbox,
            gateway.resource_types,
            connection,
            key,
            integration.provider,
            complete,
        )
        merged.append({"connection_id": connection[1], **counts})
    if result.response is not None:
        return Json(result.response, headers=dict(result.response_headers))
    return Json({"success": True, "connections": merged}, headers=dict(result.response_headers))


async def _rejected(call: Call[Any, Any]) -> Response:
    try:
        return await receive(call)
    except WebhookRejected as exc:
        raise GatewayError(401, "invalid_signature", f"Webhook refused: {exc}") from None


ENDPOINTS = [
    Endpoint(
        "PUT",
        "/integrations/{unique_key}/webhook-secret",
        set_secret,
        "Set the secret the provider signs its webhooks with",
        "integrations",
        body=SecretBody,
        response=WebhookSecretAnswer,
        errors=(400, 404),
        description="Stored encrypted; answers the URL to give the provider.",
    ),
    Endpoint(
        "POST",
        "/webhook/{environment}/{integration}",
        _rejected,
        "Receive a provider's webhook",
        "webhooks",
        public=True,
        errors=(401, 404, 409, 413),
        description="Called by the provider. The plugin verifies the signature (401 when it does not match); the "
        "changes go into the records of the connections concerned and the payload is forwarded to your app. A "
        "handshake that hands over a secret (Asana) stores it as the integration's webhook secret instead.",
    ),
]
