"""Issues of a repository as tickets (``owner/repo#42``); pull requests are left out of lists."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
    format_time,
    parse_time,
    unsettable,
)
from unified_models import FieldWarning, Ticket, TicketCreate, TicketStatus, TicketUpdate
from unigate_github.common import HEADERS, check, fetch_page, full_name_of, repo_path, require_collection

REASONS = ("completed", "not_planned", "duplicate", "reopened")
UNSUPPORTED = {  # unified field -> why GitHub cannot set it
    "priority": "GitHub issues have no priority",
    "remote_priority": "GitHub issues have no priority",
    "description_html": "GitHub takes Markdown only; send description",
    "ticket_type": "issue types are not set through this endpoint",
    "assigned_teams": "GitHub issues cannot be assigned to teams",
    "contact": "GitHub issues have no contact",
    "account": "GitHub issues have no account",
    "parent_ticket": "sub-issues are not set through this endpoint",
    "due_date": "GitHub issues have no due date",
}

NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits: str.isdigit() also takes "²", which int() refuses


def ticket_id(collection: str, number: int) -> str:
    return f"{collection}#{number}"


def parse_ticket_id(value: str, field: str = "id") -> tuple[str, int]:
    """``(/repos/owner/repo, number)`` for ``owner/repo#42``; 400 naming ``field`` otherwise."""
    collection, _, number = value.rpartition("#")
    if not collection or not NUMBER.fullmatch(number):
        raise ProviderError(
            400, "invalid_id", f"{field}: {value!r} is not a GitHub issue id; send owner/repo#number", field=field
        )
    return repo_path(collection, field), int(number)


def remote_status(issue: dict[str, Any]) -> str:
    reason = issue.get("state_reason")
    return f"{issue['state']}:{reason}" if reason else str(issue["state"])


def to_ticket(issue: dict[str, Any]) -> Ticket:
    collection = full_name_of(str(issue["repository_url"]))
    return Ticket(
        id=ticket_id(collection, int(issue["number"])),
        remote_id=str(issue["id"]),
        provider="github",
        remote_created_at=parse_time(issue.get("created_at")),
        remote_updated_at=parse_time(issue.get("updated_at")),
        remote_data=issue,
        name=issue.get("title"),
        description=issue.get("body"),
        status=TicketStatus.OPEN if issue["state"] == "open" else TicketStatus.CLOSED,
        remote_status=remote_status(issue),
        assignees=[str(a["login"]) for a in issue.get("assignees") or []],
        collections=[collection],
        tags=[label if isinstance(label, str) else str(label["name"]) for label in issue.get("labels") or []],
        creator=(issue.get("user") or {}).get("login"),
        completed_at=parse_time(issue.get("closed_at")),
        ticket_url=issue.get("html_url"),
    )


def _state(fields: dict[str, Any]) -> dict[str, Any]:
    """GitHub ``state``/``state_reason`` for the unified ``status`` or ``remote_status`` sent."""
    if fields.get("status") is not None:
        status = TicketStatus(fields["status"])
        if status == TicketStatus.OPEN:
            return {"state": "open"}
        if status == TicketStatus.CLOSED:
            return {"state": "closed", "state_reason": "completed"}
        raise ProviderError(
            422, "invalid_field", f"status: GitHub issues are OPEN or CLOSED, not {status.value}", field="status"
        )
    if fields.get("remote_status") is not None:
        state, _, reason = str(fields["remote_status"]).partition(":")
        if state not in ("open", "closed") or (reason and reason not in REASONS):
            raise ProviderError(
                422,
                "invalid_field",
                "remote_status: send open, closed, or closed:<reason> with reason completed, not_planned or duplicate",
                field="remote_status",
            )
        return {"state": state, **({"state_reason": reason} if reason else {})}
    return {}


def _payload(fields: dict[str, Any]) -> dict[str, Any]:
    """GitHub's issue fields for the unified fields sent (``UNSUPPORTED`` ones are left out)."""
    payload: dict[str, Any] = {}
    if "name" in fields:
        payload["title"] = fields["name"]
    if "description" in fields:
        payload["body"] = fields["description"]
    if "assignees" in fields:
        payload["assignees"] = list(fields["assignees"] or [])
    if "tags" in fields:
        payload["labels"] = list(fields["tags"] or [])
    payload.update(_state(fields))
    return payload


class GitHubTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Issues: list (``collection_id`` required), get, create and update (close, reopen, relabel)."""

    fields: ClassVar[tuple[str, ...]] = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
        "assignees",
        "collections",
        "tags",
        "creator",
        "completed_at",
        "ticket_url",
    )

    filters = frozenset({"collection_id", "status", "assignee_id", "modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        path = require_collection(query, "issues") + "/issues"
        params = {"state": {"OPEN": "open", "CLOSED": "closed"}.get(query.status or "", "all")}
        if query.status in ("IN_PROGRESS", "ON_HOLD"):
            return ResourcePage([])  # GitHub issues are never in these states
        if query.modified_after is not None:
            params["since"] = format_time(query.modified_after)
        if query.assignee_id:
            params["assignee"] = query.assignee_id
        items, next_url = await fetch_page(ctx, path, query, params, f"issues of {query.collection_id}")
        tickets = [to_ticket(issue) for issue in items if "pull_request" not in issue]
        return ResourcePage(tickets, next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        path, number = parse_ticket_id(remote_id)
        response = await ctx.http.get(f"{path}/issues/{number}", headers=HEADERS)
        check(ctx, response, f"getting issue {remote_id}")
        issue = response.json()
        if "pull_request" in issue:
            raise ProviderError(404, "not_found", f"{remote_id} is a pull request, not an issue")
        return to_ticket(issue)

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        if len(data.collections) != 1:
            raise ProviderError(
                400,
                "invalid_body",
                "collections: send exactly one repository id (owner/repo) to create the issue in",
                field="collections",
            )
        path = repo_path(data.collections[0], "collections")
        sent = data.model_dump(exclude_unset=True)
        payload = _payload(sent)
        state: dict[str, Any] = {k: payload.pop(k) for k in ("state", "state_reason") if k in payload}
        response = await ctx.http.post(f"{path}/issues", json=payload, headers=HEADERS)
        check(ctx, response, f"creating an issue in {data.collections[0]}")
        ticket = to_ticket(response.json())
        if state.get("state") == "closed":  # GitHub creates issues open: close it in a second call
            ticket = await self._patch(ctx, ticket.id, state)
        return Written(ticket, unsettable(sent, UNSUPPORTED, ticket.id))

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        changes = data.changes()
        payload = _payload(changes)
        warnings = unsettable(changes, UNSUPPORTED, remote_id)
        if changes.get("collections") is not None:
            warnings.append(
                FieldWarning(field="collections", message="moving issues is not supported", object_id=remote_id)
            )
        ticket = await self._patch(ctx, remote_id, payload) if payload else await self.get(ctx, remote_id)
        return Written(ticket, warnings)

    async def _patch(self, ctx: ProviderContext, remote_id: str, payload: dict[str, Any]) -> Ticket:
        path, number = parse_ticket_id(remote_id)
        response = await ctx.http.patch(f"{path}/issues/{number}", json=payload, headers=HEADERS)
        check(ctx, response, f"updating issue {remote_id}")
        return to_ticket(response.json())
