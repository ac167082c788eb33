"""The Asana task properties for unified ticket fields, tag-name lookup, and warnings for what Asana cannot set."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from gateway.provider import ProviderContext, ProviderError, unsettable
from unified_models import FieldWarning, TicketStatus
from unigate_asana.common import check, data_of, gid, stamp
from unigate_asana.mapping import COMPLETED, INCOMPLETE
from unigate_asana.paging import MAX_LIMIT, workspace_gids

SUBTYPES = ("default_task", "milestone", "approval")
UNSUPPORTED = {  # unified field -> why Asana cannot set it
    "priority": "Asana tasks have no priority field (only a project custom field could hold one); not written",
    "remote_priority": "Asana tasks have no priority field (only a project custom field could hold one); not written",
    "assigned_teams": "Asana tasks are assigned to one user, not to teams",
    "contact": "Asana tasks have no contact",
    "account": "Asana tasks have no account",
}
_STATUS_HELP = (
    "Asana tasks are complete or incomplete: send status OPEN or CLOSED (or remote_status completed/incomplete)"
)


def html_document(html: str) -> str:
    """Asana's rich text must be one ``<body>`` element; wrap fragments in it."""
    stripped = html.strip()
    return stripped if stripped.startswith("<body>") else f"<body>{stripped}</body>"


def _completed(fields: dict[str, Any]) -> bool | None:
    if fields.get("status") is not None:
        status = TicketStatus(fields["status"])
        if status not in (TicketStatus.OPEN, TicketStatus.CLOSED):
            raise ProviderError(
                422, "invalid_field", f"status: {status.value} cannot be set; {_STATUS_HELP}", field="status"
            )
        return status is TicketStatus.CLOSED
    if fields.get("remote_status") is not None:
        if fields["remote_status"] not in (COMPLETED, INCOMPLETE):
            raise ProviderError(
                422,
                "invalid_field",
                f"remote_status: {fields['remote_status']!r} is unknown; {_STATUS_HELP}",
                field="remote_status",
            )
        return bool(fields["remote_status"] == COMPLETED)
    return None


def _due(value: datetime | None) -> dict[str, Any]:
    if value is None:
        return {"due_on": None}
    moment = value.astimezone(UTC)
    return {"due_on": moment.date().isoformat()} if moment.time() == time.min else {"due_at": stamp(moment)}


def task_fields(fields: dict[str, Any], object_id: str | None) -> tuple[dict[str, Any], list[FieldWarning]]:
    """Asana task properties for the unified fields sent (tags, projects and parent apart), and the warnings."""
    payload: dict[str, Any] = {}
    if "name" in fields:
        payload["name"] = fields["name"]
    if "description" in fields:
        payload["notes"] = fields["description"] or ""
    if "description_html" in fields:
        payload["html_notes"] = html_document(fields["description_html"] or "")
    completed = _completed(fields)
    if completed is not None:
        payload["completed"] = completed
    if "assignees" in fields:
        assignees = list(fields["assignees"] or [])
        if len(assignees) > 1:
            raise ProviderError(
                422, "invalid_field", "assignees: an Asana task has at most one assignee", field="assignees"
            )
        payload["assignee"] = gid(assignees[0], "assignees") if assignees else None
    if "due_date" in fields:
        payload.update(_due(fields["due_date"]))
    if fields.get("ticket_type") is not None:
        if fields["ticket_type"] not in SUBTYPES:
            raise ProviderError(
                422, "invalid_field", f"ticket_type: Asana task types are {', '.join(SUBTYPES)}", field="ticket_type"
            )
        payload["resource_subtype"] = fields["ticket_type"]
    warnings = unsettable(fields, UNSUPPORTED, object_id)
    return payload, warnings


async def tag_gids(ctx: ProviderContext, names: list[str]) -> list[str]:
    """The gids of the tags named (a gid is accepted too), looked up in the connection's workspaces; 422 if unknown."""
    if not names:
        return []
    known: dict[str, str] = {}
    for workspace in await workspace_gids(ctx):
        params = {"workspace": workspace, "opt_fields": "name", "limit": str(MAX_LIMIT)}
        for _ in range(20):  # 2,000 tags per workspace at most
            response = await ctx.http.get("/tags", params=params)
            check(ctx, response, f"tags of workspace {workspace}")
            for tag in data_of(response) or []:
                known.setdefault(str(tag.get("name")), str(tag["gid"]))
                known[str(tag["gid"])] = str(tag["gid"])
            following = (response.json().get("next_page") or {}).get("offset")
            if not following:
                break
            params["offset"] = str(following)
    missing = [name for name in names if name not in known]
    if missing:
        raise ProviderError(
            422,
            "invalid_field",
            f"tags: Asana has no tag named {', '.join(map(repr, missing))} in this connection's workspaces; "
            "create it in Asana first (GET /tags lists the names)",
            field="tags",
        )
    return [known[name] for name in names]
