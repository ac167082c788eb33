"""Asana webhooks: the ``X-Hook-Secret`` handshake, then events signed with ``X-Hook-Signature``.

Creating a webhook at Asana (``POST /webhooks`` with this integration's URL as ``target``) makes Asana POST a
handshake carrying ``X-Hook-Secret``; the answer echoes it in ``X-Hook-Secret`` and the gateway keeps it as the
integration's webhook secret. Only the first handshake is taken: while a secret is stored, another one is refused
(so nobody who learns the URL can swap the secret; one Asana webhook per integration).

Later deliveries carry ``X-Hook-Signature``, the hex HMAC-SHA256 of the body with that secret, and a body
``{"events": [{"action", "resource": {"gid", "resource_type"}, "parent", "user", "created_at", ...}]}``. Events
are compact: they name what changed, never its fields. A ``deleted`` task or story marks the ticket or comment
deleted; a task ``added``, ``changed`` or ``undeleted`` is read again through each connection
(``WebhookResult.refetch``) and stored in the records; other events are forwarded only and the records catch up at
the next sync. Events name no workspace: every connection of the integration gets them.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    IncomingWebhook,
    WebhookRejected,
    WebhookResult,
    hmac_sha256_hex,
    json_object,
    require_signature,
)

DELETED_RESOURCES = {"task": "tickets", "story": "comments"}  # resource_type -> resource whose record goes


def handshake(webhook: IncomingWebhook, offered: str) -> WebhookResult:
    """Keep the offered secret (unless one is set already) and echo it, as Asana requires."""
    if webhook.secret:
        raise WebhookRejected(
            "this integration already has a webhook secret; a second Asana handshake is refused (use one Asana "
            "webhook per integration)"
        )
    if not offered.strip():
        raise WebhookRejected("X-Hook-Secret is empty")
    return WebhookResult(store_secret=offered, response={"success": True}, response_headers={"X-Hook-Secret": offered})


def verified(webhook: IncomingWebhook) -> dict[str, Any]:
    """The delivery's body, once ``X-Hook-Signature`` matches the secret kept from the handshake."""
    if not webhook.secret:
        raise WebhookRejected("no Asana handshake yet: create the webhook at Asana first")
    require_signature(hmac_sha256_hex(webhook.secret, webhook.body), webhook.headers.get("x-hook-signature"))
    payload = json_object(webhook.body)
    if not isinstance(payload.get("events", []), list):
        raise WebhookRejected("the body is not {events: [...]}")
    return payload


def asana_webhook(webhook: IncomingWebhook) -> WebhookResult:
    offered = webhook.headers.get("x-hook-secret")
    if offered is not None:
        return handshake(webhook, offered)
    payload = verified(webhook)
    result = WebhookResult(payload=payload)
    for event in payload.get("events") or []:
        resource = event.get("resource") if isinstance(event, dict) else None
        if not isinstance(resource, dict) or not resource.get("gid"):
            continue
        kind, action, gid = str(resource.get("resource_type")), event.get("action"), str(resource["gid"])
        if action == "deleted" and kind in DELETED_RESOURCES:
            result.deleted.append((DELETED_RESOURCES[kind], gid))
        elif action in ("added", "changed", "undeleted") and kind == "task":
            result.refetch.append(("tickets", gid))
    return result
