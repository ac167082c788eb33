"""Linear webhooks: ``Linear-Signature`` (hex HMAC-SHA256 of the raw body with the integration's secret) checked,
``webhookTimestamp`` (epoch ms) no more than a minute away; ``Issue`` and ``Comment`` events (``create``, ``update``,
``remove``) become tickets and comments for the connections that sync the issue's team.

A webhook's ``data`` is not the GraphQL node the mappers read: it names related objects by id (``teamId``,
``assigneeId``, ``parentId``...) besides some nested ones, and ``labels`` is a list, not a connection.
``graphql_issue`` rebuilds what ``to_ticket`` reads; the stored ``remote_data`` stays the webhook's ``data``.
"""

from __future__ import annotations

import time
from typing import Any

from gateway.provider import (
    IncomingWebhook,
    WebhookRejected,
    WebhookResult,
    hmac_sha256_hex,
    json_object,
    require_signature,
    secret_of,
)
from unigate_linear.comments import to_comment
from unigate_linear.tickets import to_ticket

MAX_AGE_MS = 60_000  # Linear's advice: refuse deliveries whose timestamp is more than a minute off


def verified(webhook: IncomingWebhook, now_ms: float | None = None) -> dict[str, Any]:
    """The payload, once its signature matches and its ``webhookTimestamp`` is recent."""
    secret = secret_of(webhook)
    require_signature(hmac_sha256_hex(secret, webhook.body), webhook.headers.get("linear-signature"))
    payload = json_object(webhook.body)
    stamp = payload.get("webhookTimestamp")
    now = time.time() * 1000 if now_ms is None else now_ms
    recent = isinstance(stamp, int | float) and not isinstance(stamp, bool) and abs(now - stamp) <= MAX_AGE_MS
    if not recent:  # written so that NaN is refused too
        raise WebhookRejected("webhookTimestamp is missing or more than 60 s away (a replayed delivery?)")
    return payload


def _ref(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The nested ``name`` object, else ``{"id": <nameId>}``, else None."""
    nested = data.get(name)
    if isinstance(nested, dict) and nested.get("id"):
        return nested
    key = data.get(f"{name}Id")
    return {"id": key} if key else None


def graphql_issue(data: dict[str, Any]) -> dict[str, Any]:
    """The fields ``to_ticket`` reads, from an ``Issue`` webhook's ``data``."""
    labels = [label for label in data.get("labels") or [] if isinstance(label, dict)]
    return {
        **data,
        "state": _ref(data, "state") or {},
        "team": _ref(data, "team") or {},
        "project": _ref(data, "project"),
        "assignee": _ref(data, "assignee"),
        "creator": _ref(data, "creator"),
        "parent": _ref(data, "parent"),
        "labels": {"nodes": labels},
    }


def _team_of(kind: str, data: dict[str, Any]) -> str | None:
    owner = data if kind == "Issue" else data.get("issue") or {}
    team = owner.get("teamId") or (owner.get("team") or {}).get("id")
    return str(team) if team else None


def linear_webhook(webhook: IncomingWebhook) -> WebhookResult:
    payload = verified(webhook)
    kind, action, data = payload.get("type"), payload.get("action"), payload.get("data")
    result = WebhookResult(payload=payload)
    if not isinstance(data, dict) or not data.get("id") or kind not in ("Issue", "Comment"):
        return result  # projects, cycles, labels, reactions...: forwarded to every connection
    result.collection = _team_of(str(kind), data)
    if kind == "Issue":
        if action == "remove":
            result.deleted.append(("tickets", str(data["id"])))
        else:
            ticket = to_ticket(graphql_issue(data))
            ticket.remote_data = data
            result.changed.append(("tickets", ticket))
        return result
    issue = data.get("issueId") or (data.get("issue") or {}).get("id")
    if action == "remove":
        result.deleted.append(("comments", str(data["id"])))
    elif issue:
        comment = to_comment({**data, "user": _ref(data, "user")}, str(issue))
        comment.remote_data = data
        result.changed.append(("comments", comment))
    return result
