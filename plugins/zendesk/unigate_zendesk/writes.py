"""Unified ticket fields to a Zendesk ``{"ticket": {...}}`` body, with warnings for the fields Zendesk cannot set."""

from __future__ import annotations

from typing import Any

from gateway.provider import ProviderError
from unified_models import FieldWarning, TicketPriority, TicketStatus
from unigate_zendesk.common import numeric_id

STATUS_VALUES = {  # unified status -> the Zendesk status written
    TicketStatus.OPEN: "open",
    TicketStatus.ON_HOLD: "pending",  # "hold" is optional in Zendesk accounts; pending always exists
    TicketStatus.CLOSED: "solved",  # "closed" is set by Zendesk itself, after a ticket is solved
}
PRIORITY_VALUES = {p: p.value.lower() for p in TicketPriority}
ALWAYS_UNSET = {
    "collections": "Zendesk tickets do not belong to collections",
    "parent_ticket": "Zendesk links incidents to problems through problem_id, which this API does not set",
}
ON_UPDATE_UNSET = {
    "description": "a Zendesk ticket's description is its first comment and cannot change; add a comment",
    "description_html": "a Zendesk ticket's description is its first comment and cannot change; add a comment",
}


def _one(fields: dict[str, Any], name: str, remote: str) -> str | None:
    values = list(fields.get(name) or [])
    if len(values) > 1:
        raise ProviderError(422, "invalid_field", f"{name}: a Zendesk ticket has at most one {remote}", field=name)
    return numeric_id(str(values[0]), name) if values else None


def ticket_body(
    fields: dict[str, Any], object_id: str | None, *, creating: bool
) -> tuple[dict[str, Any], list[FieldWarning]]:
    """The Zendesk ticket attributes for the unified ``fields`` sent, and warnings for those it cannot set."""
    body: dict[str, Any] = {}
    if "name" in fields:
        body["subject"] = fields["name"]
    if creating:
        comment = {
            key: fields[name]
            for name, key in (("description", "body"), ("description_html", "html_body"))
            if fields.get(name)
        }
        if not comment:
            raise ProviderError(
                400,
                "invalid_body",
                "description: Zendesk creates a ticket with its first comment; send description or description_html",
                field="description",
            )
        body["comment"] = comment
    if fields.get("status") is not None:
        status = TicketStatus(fields["status"])
        if status not in STATUS_VALUES:
            raise ProviderError(
                422,
                "invalid_field",
                "status: Zendesk has no in-progress status; send OPEN, ON_HOLD or CLOSED, or a Zendesk status "
                "(new, open, pending, hold, solved) as remote_status",
                field="status",
            )
        body["status"] = STATUS_VALUES[status]
    elif fields.get("remote_status") is not None:
        body["status"] = fields["remote_status"]
    if "priority" in fields and fields["priority"] is not None:
        body["priority"] = PRIORITY_VALUES[TicketPriority(fields["priority"])]
    elif "remote_priority" in fields:
        body["priority"] = fields["remote_priority"]
    elif "priority" in fields:
        body["priority"] = None
    if "ticket_type" in fields:
        body["type"] = fields["ticket_type"]
    if "assignees" in fields:
        body["assignee_id"] = _one(fields, "assignees", "assignee")
    if "assigned_teams" in fields:
        body["group_id"] = _one(fields, "assigned_teams", "group")
    if fields.get("contact") is not None:
        body["requester_id"] = numeric_id(str(fields["contact"]), "contact")
    if "account" in fields:
        body["organization_id"] = numeric_id(str(fields["account"]), "account") if fields["account"] else None
    if "tags" in fields:
        body["tags"] = list(fields["tags"] or [])
    if "due_date" in fields:
        due = fields["due_date"]
        body["due_at"] = due.strftime("%Y-%m-%dT%H:%M:%SZ") if due else None
    unset = {**ALWAYS_UNSET, **({} if creating else ON_UPDATE_UNSET)}
    if not creating and "contact" in fields and fields["contact"] is None:
        unset["contact"] = "a Zendesk ticket always has a requester; send another contact id to change it"
    warnings = [
        FieldWarning(field=name, message=reason, object_id=object_id)
        for name, reason in unset.items()
        if name in fields and (fields[name] not in (None, []) or name == "contact")
    ]
    return body, warnings
