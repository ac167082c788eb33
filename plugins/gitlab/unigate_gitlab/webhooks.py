"""GitLab webhooks: ``X-Gitlab-Token`` must equal the integration's secret; ``Issue Hook`` and ``Note Hook`` events
(and their ``Confidential`` variants) become tickets and comments for the connections that sync the project
(``project.path_with_namespace``); work items other than issues (``object_kind: work_item``) are forwarded only.

A hook's ``object_attributes`` is not the REST issue: labels are objects (``title``), assignees and the author are
ids (``assignee_ids``, ``author_id``), the milestone is ``milestone_id``, the page is ``url``, and times may read
``2015-05-17 17:06:40 UTC``. ``rest_issue`` and ``rest_note`` rebuild what the REST mappers read from those fields;
the stored ``remote_data`` stays the hook's own object. GitLab sends no hook for deleted issues or notes.
"""

from __future__ import annotations

import hmac
from typing import Any

from gateway.provider import IncomingWebhook, WebhookRejected, WebhookResult, json_object, secret_of
from unigate_gitlab.mapping import ticket_id, to_comment, to_ticket

ISSUE_HOOKS = {"Issue Hook", "Confidential Issue Hook"}
NOTE_HOOKS = {"Note Hook", "Confidential Note Hook"}


def verified(webhook: IncomingWebhook) -> dict[str, Any]:
    """The event's payload, once ``X-Gitlab-Token`` matches the integration's webhook secret (constant time)."""
    secret = secret_of(webhook)
    given = webhook.headers.get("x-gitlab-token", "")
    if not given or not hmac.compare_digest(given.encode(), secret.encode()):
        raise WebhookRejected("X-Gitlab-Token does not match the integration's webhook secret")
    return json_object(webhook.body)


def hook_time(value: Any) -> Any:
    """``2015-05-17 17:06:40 UTC`` (older hook payloads) as ISO 8601; other values unchanged."""
    if isinstance(value, str) and value.endswith(" UTC"):
        return value[:-4].replace(" ", "T") + "Z"
    return value


def rest_issue(attrs: dict[str, Any], project: str) -> dict[str, Any]:
    """The fields ``to_ticket`` reads, from an Issue Hook's ``object_attributes``."""
    milestone = attrs.get("milestone_id")
    kind = attrs.get("type")
    return {
        "id": attrs["id"],
        "iid": attrs["iid"],
        "project_id": attrs.get("project_id"),
        "references": {"full": ticket_id(project, int(attrs["iid"]))},
        "title": attrs.get("title"),
        "description": attrs.get("description"),
        "state": attrs.get("state"),
        "created_at": hook_time(attrs.get("created_at")),
        "updated_at": hook_time(attrs.get("updated_at")),
        "closed_at": hook_time(attrs.get("closed_at")),
        "due_date": attrs.get("due_date"),
        "labels": [label.get("title") for label in attrs.get("labels") or [] if isinstance(label, dict)],
        "assignees": [{"id": a} for a in attrs.get("assignee_ids") or []],
        "author": {"id": attrs["author_id"]} if attrs.get("author_id") is not None else None,
        "milestone": {"id": milestone} if milestone is not None else None,
        "issue_type": kind.lower().replace(" ", "_") if isinstance(kind, str) else None,
        "web_url": attrs.get("url"),
    }


def rest_note(attrs: dict[str, Any]) -> dict[str, Any]:
    """The fields ``to_comment`` reads, from a Note Hook's ``object_attributes``."""
    return {
        "id": attrs["id"],
        "body": attrs.get("note"),
        "author": {"id": attrs["author_id"]} if attrs.get("author_id") is not None else None,
        "created_at": hook_time(attrs.get("created_at")),
        "updated_at": hook_time(attrs.get("updated_at")),
        "internal": attrs.get("internal"),
        "confidential": attrs.get("confidential"),
    }


def gitlab_webhook(webhook: IncomingWebhook) -> WebhookResult:
    payload = verified(webhook)
    event = webhook.headers.get("x-gitlab-event", "")
    project = str((payload.get("project") or {}).get("path_with_namespace") or "")
    result = WebhookResult(payload=payload, collection=project or None)
    attrs = payload.get("object_attributes")
    if not project or not isinstance(attrs, dict):
        return result  # pushes, pipelines, tests without a project: forwarded only
    if event in ISSUE_HOOKS and payload.get("object_kind") == "issue":
        ticket = to_ticket(rest_issue(attrs, project))
        ticket.remote_data = attrs
        result.changed.append(("tickets", ticket))
    elif event in NOTE_HOOKS and attrs.get("noteable_type") == "Issue" and not attrs.get("system"):
        issue = payload.get("issue") or {}
        if issue.get("iid") is not None:
            comment = to_comment(rest_note(attrs), ticket_id(project, int(issue["iid"])))
            comment.remote_data = attrs
            result.changed.append(("comments", comment))
    return result
