"""Zendesk webhooks: ``X-Zendesk-Webhook-Signature`` is the base64 HMAC-SHA256 of the
``X-Zendesk-Webhook-Signature-Timestamp`` value followed by the raw body, keyed with the webhook's signing secret.

A Zendesk webhook's body is whatever the trigger (or automation) that calls it says. This plugin expects a JSON
object such as ``{"ticket_id": "{{ticket.id}}", "event": "ticket_updated", "subdomain": "acme"}``: ``subdomain``
(optional) picks the connections whose ``connection_config.subdomain`` it is, else every connection of the
integration gets it. Such a body carries no ticket, only its id: the gateway reads the ticket through each of those
connections (``WebhookResult.refetch``) and stores it in the records (a ticket Zendesk no longer has is marked
deleted), then forwards the body to the customer's app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from gateway.provider import IncomingWebhook, WebhookRejected, WebhookResult, json_object, require_signature, secret_of


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What Zendesk sends for ``body`` at ``timestamp``: base64 of HMAC-SHA256(timestamp + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified(webhook: IncomingWebhook) -> dict[str, Any]:
    """The body, once its signature matches the integration's webhook (signing) secret."""
    secret = secret_of(webhook)
    timestamp = webhook.headers.get("x-zendesk-webhook-signature-timestamp")
    if not timestamp:
        raise WebhookRejected("X-Zendesk-Webhook-Signature-Timestamp is missing")
    require_signature(signature(secret, timestamp, webhook.body), webhook.headers.get("x-zendesk-webhook-signature"))
    return json_object(webhook.body or b"{}", "; make the trigger send a JSON object")


def zendesk_webhook(webhook: IncomingWebhook) -> WebhookResult:
    payload = verified(webhook)
    result = WebhookResult(payload=payload)
    subdomain = payload.get("subdomain")
    if isinstance(subdomain, str) and subdomain:
        result.connection_config = {"subdomain": subdomain}
    ticket = str(payload.get("ticket_id") or "").strip()
    if ticket.isdigit():
        result.refetch.append(("tickets", ticket))
    return result
