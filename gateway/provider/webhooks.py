"""Provider webhooks in: what a plugin is given (``IncomingWebhook``) and answers (``WebhookResult``).

``Provider.handle_webhook(webhook)`` verifies the provider's signature with ``webhook.secret`` (the integration's
webhook secret; raise ``WebhookRejected`` when it does not match), says which connections the event is for, and
maps what changed to unified objects. The gateway stores those in the records of each connection, forwards the
payload to the customer's app (a ``forward`` webhook) and answers the provider.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unified_models import RemoteObject


@dataclass(frozen=True)
class IncomingWebhook:
    integration_key: str
    provider: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    secret: str | None  # the integration's webhook secret, if one is set


@dataclass
class WebhookResult:
    """The connections an event is for and what it changed.

    ``connection_config`` picks connections whose ``connection_config`` holds those values (GitHub App
    installations); else ``collection`` picks those whose synced collections include it (a repository); with
    neither, every connection of the integration. ``changed`` are ``(resource, object)`` pairs, ``deleted``
    ``(resource, id)`` pairs; ``refetch`` ``(resource, id)`` pairs of objects the event names without their fields,
    which the gateway reads with the resource's ``get`` through each connection (404: deleted). ``payload`` is
    what is forwarded (the parsed body by default); ``response`` a body the provider expects back (a handshake),
    if any.

    ``store_secret`` is a secret the provider hands over in a handshake (Asana's ``X-Hook-Secret``): the gateway
    saves it, sealed, as the integration's webhook secret (unless that changed since the plugin read it: 409) and
    answers ``response`` and ``response_headers`` without storing or forwarding anything else.
    """

    connection_config: Mapping[str, str] = field(default_factory=dict)
    collection: str | None = None
    changed: list[tuple[str, RemoteObject]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)
    refetch: list[tuple[str, str]] = field(default_factory=list)  # (resource, id) the gateway reads per connection
    payload: Any = None
    response: dict[str, Any] | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    store_secret: str | None = None


class WebhookRejected(Exception):
    """The webhook's signature or token does not match: answered 401, nothing stored or forwarded."""


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def require_signature(expected: str | None, given: str | None) -> None:
    """Raise ``WebhookRejected`` unless ``given`` equals ``expected`` (constant time); both must be present."""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise WebhookRejected("the signature does not match the integration's webhook secret")


def secret_of(webhook: IncomingWebhook) -> str:
    """The integration's webhook secret; ``WebhookRejected`` naming the fix when none is set."""
    if not webhook.secret:
        raise WebhookRejected("set the integration's webhook secret (PUT /integrations/{key}/webhook-secret)")
    return webhook.secret


def json_object(body: bytes, hint: str = "") -> dict[str, Any]:
    """The body as a JSON object; ``WebhookRejected`` otherwise (``hint`` is added to the reason)."""
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookRejected(f"the body is not JSON{hint}") from None
    if not isinstance(payload, dict):
        raise WebhookRejected(f"the body is not a JSON object{hint}")
    return payload
