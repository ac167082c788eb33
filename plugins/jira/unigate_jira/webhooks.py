"""Jira webhooks: a webhook registered with a secret signs its body as ``X-Hub-Signature: sha256=<hex HMAC>``;
``jira:issue_*`` and ``comment_*`` events become tickets and comments for the connections that sync the project.

Webhook bodies carry issues and comments in the REST v2 form: ``description`` and comment ``body`` are plain
(wiki markup) strings where v3 sends Atlassian Document Format, and ``self`` names the site
(``https://acme.atlassian.net/rest/api/2/issue/10001``), which gives the ticket's browse URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from gateway.provider import (
    IncomingWebhook,
    WebhookResult,
    hmac_sha256_hex,
    json_object,
    require_signature,
    secret_of,
)
from unigate_jira.comments import to_comment
from unigate_jira.tickets import to_ticket

ISSUE_CHANGED = {"jira:issue_created", "jira:issue_updated"}
COMMENT_CHANGED = {"comment_created", "comment_updated"}


def verified(webhook: IncomingWebhook) -> dict[str, Any]:
    """The event's payload, once ``X-Hub-Signature`` matches the integration's webhook secret."""
    secret = secret_of(webhook)
    expected = "sha256=" + hmac_sha256_hex(secret, webhook.body)
    require_signature(expected, webhook.headers.get("x-hub-signature"))
    return json_object(webhook.body)


def site_of(issue: dict[str, Any]) -> str | None:
    """``https://acme.atlassian.net`` from the issue's ``self`` link, if it names a site's REST API."""
    link = str(issue.get("self") or "")
    parts = urlsplit(link)
    if "/rest/api/" not in parts.path or not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path.split('/rest/api/', 1)[0]}"


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def jira_webhook(webhook: IncomingWebhook) -> WebhookResult:
    payload = verified(webhook)
    event, issue = str(payload.get("webhookEvent") or ""), payload.get("issue")
    result = WebhookResult(payload=payload)
    if not isinstance(issue, dict) or not issue.get("key"):
        return result  # projects, sprints, users...: forwarded to every connection
    fields = issue.get("fields") or {}
    project = (fields.get("project") or {}).get("key")
    result.collection = str(project) if project else None
    key = str(issue["key"])
    comment = payload.get("comment")
    if event in ISSUE_CHANGED:
        ticket = to_ticket(issue, site_of(issue))
        if isinstance(fields.get("description"), str):  # v2 text; v3's ADF is read by to_ticket
            ticket.description = fields["description"]
        result.changed.append(("tickets", ticket))
    elif event == "jira:issue_deleted":
        result.deleted.append(("tickets", key))
    elif event in COMMENT_CHANGED and isinstance(comment, dict) and comment.get("id"):
        item = to_comment(comment, key)
        item.body = _plain(comment.get("body")) or item.body
        result.changed.append(("comments", item))
    elif event == "comment_deleted" and isinstance(comment, dict) and comment.get("id"):
        result.deleted.append(("comments", f"{key}/comments/{comment['id']}"))
    return result
