"""GitHub webhooks: ``X-Hub-Signature-256`` checked against the integration's secret; ``issues`` and
``issue_comment`` events become tickets and comments for the connections of the installation or repository."""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    IncomingWebhook,
    WebhookResult,
    hmac_sha256_hex,
    json_object,
    require_signature,
    secret_of,
)
from unigate_github.comments import to_comment
from unigate_github.tickets import ticket_id, to_ticket


def verified(webhook: IncomingWebhook) -> dict[str, Any]:
    """The event's payload, once its signature matches the integration's webhook secret."""
    secret = secret_of(webhook)
    given = webhook.headers.get("x-hub-signature-256", "")
    require_signature("sha256=" + hmac_sha256_hex(secret, webhook.body), given)
    return json_object(webhook.body)


def github_webhook(webhook: IncomingWebhook) -> WebhookResult:
    payload = verified(webhook)
    event, action = webhook.headers.get("x-github-event", ""), str(payload.get("action") or "")
    installation = (payload.get("installation") or {}).get("id")
    result = WebhookResult(payload=payload)
    if installation is not None:
        result.connection_config = {"installation_id": str(installation)}
    else:
        result.collection = (payload.get("repository") or {}).get("full_name")
    issue = payload.get("issue")
    if not isinstance(issue, dict) or "pull_request" in issue:
        return result  # ping, pull requests and other events: forwarded only
    ticket = to_ticket(issue)
    if event == "issues":
        if action == "deleted":
            result.deleted.append(("tickets", ticket.id))
        else:
            result.changed.append(("tickets", ticket))
    elif event == "issue_comment" and isinstance(payload.get("comment"), dict):
        comment = to_comment(payload["comment"], ticket_id(ticket.collections[0], int(issue["number"])))
        if action == "deleted":
            result.deleted.append(("comments", comment.id))
        else:
            result.changed.append(("comments", comment))
    return result
