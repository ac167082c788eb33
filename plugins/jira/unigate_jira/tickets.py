"""Jira issues as tickets (ids are issue keys, ``KAN-7``; numeric ids are accepted on reads)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
    unsettable,
)
from unified_models import FieldWarning, Ticket, TicketCreate, TicketPriority, TicketStatus, TicketUpdate
from unigate_jira.common import MAX_RESULTS, adf_to_text, api, check, issue_key, site_url, text_to_adf, when

ISSUE_FIELDS = (
    "summary,description,status,priority,issuetype,project,labels,assignee,reporter,created,updated,"
    "resolutiondate,duedate,parent"
)
STATUS = {"new": TicketStatus.OPEN, "indeterminate": TicketStatus.IN_PROGRESS, "done": TicketStatus.CLOSED}
CATEGORY = {status: key for key, status in STATUS.items()}
CATEGORY_NAMES = {"OPEN": "To Do", "IN_PROGRESS": "In Progress", "CLOSED": "Done"}  # JQL statusCategory names
PRIORITY = {
    "Highest": TicketPriority.URGENT,
    "High": TicketPriority.HIGH,
    "Medium": TicketPriority.NORMAL,
    "Low": TicketPriority.LOW,
    "Lowest": TicketPriority.LOW,
}
PRIORITY_IDS = {"URGENT": "1", "HIGH": "2", "NORMAL": "3", "LOW": "4"}  # Jira's default priority ids
UNSUPPORTED = {  # unified field -> why Jira cannot set it here
    "description_html": "Jira takes Atlassian Document Format; send description as plain text",
    "assigned_teams": "Jira issues are not assigned to teams through this endpoint",
    "contact": "Jira issues have no contact",
    "account": "Jira issues have no account",
}


def to_ticket(issue: dict[str, Any], site: str | None = None) -> Ticket:
    """One issue as a ``Ticket``; ``site`` (``https://acme.atlassian.net``) gives ``ticket_url``, its browse page."""
    fields: dict[str, Any] = issue.get("fields") or {}
    status = fields.get("status") or {}
    priority = (fields.get("priority") or {}).get("name")
    assignee = (fields.get("assignee") or {}).get("accountId")
    project = (fields.get("project") or {}).get("key")
    return Ticket(
        id=str(issue["key"]),
        remote_id=str(issue["id"]),
        provider="jira",
        remote_created_at=when(fields.get("created")),
        remote_updated_at=when(fields.get("updated")),
        remote_data=issue,
        name=fields.get("summary"),
        description=adf_to_text(fields.get("description")),
        status=STATUS.get(str((status.get("statusCategory") or {}).get("key"))),
        remote_status=status.get("name"),
        priority=PRIORITY.get(str(priority)),
        remote_priority=priority,
        ticket_type=(fields.get("issuetype") or {}).get("name"),
        assignees=[str(assignee)] if assignee else [],
        collections=[str(project)] if project else [],
        parent_ticket=(fields.get("parent") or {}).get("key"),
        tags=[str(label) for label in fields.get("labels") or []],
        due_date=when(fields.get("duedate")),
        creator=(fields.get("reporter") or {}).get("accountId"),
        completed_at=when(fields.get("resolutiondate")),
        ticket_url=f"{site.rstrip('/')}/browse/{issue['key']}" if site else None,
    )


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def jql_for(query: ListQuery) -> str | None:
    """The JQL for the list filters (newest update first); None when no issue can match."""
    clauses = []
    if query.collection_id:
        clauses.append(f"project = {_quote(query.collection_id)}")
    if query.modified_after is not None:
        moment = query.modified_after.astimezone(UTC).strftime("%Y-%m-%d %H:%M")  # minute precision: inclusive
        clauses.append(f"updated >= {_quote(moment)}")
    if query.status:
        if query.status not in CATEGORY_NAMES:
            return None  # ON_HOLD: Jira has no such status category
        clauses.append(f"statusCategory = {_quote(CATEGORY_NAMES[query.status])}")
    if query.assignee_id:
        clauses.append(f"assignee = {_quote(query.assignee_id)}")
    if not clauses:  # /search/jql refuses unbounded queries
        clauses.append('created >= "1970-01-01"')
    return " AND ".join(clauses) + " ORDER BY updated DESC"


def _payload(fields: dict[str, Any], object_id: str | None) -> tuple[dict[str, Any], list[FieldWarning]]:
    """Jira issue ``fields`` for the unified fields sent, and warnings for those it cannot set."""
    payload: dict[str, Any] = {}
    if "name" in fields:
        payload["summary"] = fields["name"]
    if "description" in fields:
        payload["description"] = text_to_adf(fields["description"]) if fields["description"] else None
    if "tags" in fields:
        payload["labels"] = list(fields["tags"] or [])
    if "assignees" in fields:
        assignees = list(fields["assignees"] or [])
        if len(assignees) > 1:
            raise ProviderError(
                422, "invalid_field", "assignees: a Jira issue has at most one assignee", field="assignees"
            )
        payload["assignee"] = {"accountId": assignees[0]} if assignees else None
    if fields.get("priority") is not None:
        payload["priority"] = {"id": PRIORITY_IDS[str(fields["priority"])]}
    elif fields.get("remote_priority") is not None:
        payload["priority"] = {"name": fields["remote_priority"]}
    if fields.get("ticket_type") is not None:
        payload["issuetype"] = {"name": fields["ticket_type"]}
    if "due_date" in fields:
        payload["duedate"] = fields["due_date"].date().isoformat() if fields["due_date"] else None
    if fields.get("parent_ticket") is not None:
        payload["parent"] = {"key": issue_key(fields["parent_ticket"], "parent_ticket")}
    warnings = unsettable(fields, UNSUPPORTED, object_id)
    return payload, warnings


class JiraTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Issues: list (``/search/jql``, newest update first), get, create and update (fields, then a transition)."""

    filters = frozenset({"collection_id", "modified_after", "status", "assignee_id"})
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
        "priority",
        "remote_priority",
        "ticket_type",
        "assignees",
        "collections",
        "parent_ticket",
        "tags",
        "due_date",
        "creator",
        "completed_at",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        if query.cursor:  # the JQL travels with the token: Jira refuses a token for another query
            try:
                state = json.loads(query.cursor)
                jql, token = str(state["jql"]), str(state["next"])
            except (ValueError, KeyError, TypeError):
                raise ProviderError(400, "invalid_cursor", "cursor: not a Jira search position") from None
        else:
            found = jql_for(query)
            if found is None:
                return ResourcePage([])
            jql, token = found, ""
        params = {"jql": jql, "fields": ISSUE_FIELDS, "maxResults": str(min(query.page_size, MAX_RESULTS))}
        if token:
            params["nextPageToken"] = token
        response = await ctx.http.get(api(ctx, "/search/jql"), params=params)
        check(ctx, response, f"listing issues matching {jql!r}")
        body = response.json()
        following = body.get("nextPageToken")
        cursor = json.dumps({"jql": jql, "next": following}) if following and not body.get("isLast") else None
        site = site_url(ctx)
        return ResourcePage([to_ticket(issue, site) for issue in body.get("issues") or []], cursor)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        key = issue_key(remote_id)
        response = await ctx.http.get(api(ctx, f"/issue/{key}"), params={"fields": ISSUE_FIELDS})
        check(ctx, response, f"getting issue {remote_id}")
        return to_ticket(response.json(), site_url(ctx))

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        if len(data.collections) != 1:
            raise ProviderError(
                400,
                "invalid_body",
                "collections: send exactly one Jira project key (see GET /collections) to create the issue in",
                field="collections",
            )
        sent = data.model_dump(exclude_unset=True)
        payload, warnings = _payload(sent, None)
        payload["project"] = {"key": data.collections[0]}
        payload.setdefault("issuetype", {"name": "Task"})
        response = await ctx.http.post(api(ctx, "/issue"), json={"fields": payload})
        check(ctx, response, f"creating an issue in {data.collections[0]}")
        key = str(response.json()["key"])
        if data.status is not None or data.remote_status is not None:
            await self._transition(ctx, key, data.status, data.remote_status)
        ticket = await self.get(ctx, key)
        return Written(ticket, [w.model_copy(update={"object_id": key}) for w in warnings])

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        key = issue_key(remote_id)
        changes = data.changes()
        payload, warnings = _payload(changes, remote_id)
        if changes.get("collections") is not None:
            warnings.append(
                FieldWarning(field="collections", message="moving issues is not supported", object_id=remote_id)
            )
        if payload:
            response = await ctx.http.put(api(ctx, f"/issue/{key}"), json={"fields": payload})
            check(ctx, response, f"updating issue {remote_id}")
        if changes.get("status") is not None or changes.get("remote_status") is not None:
            await self._transition(ctx, key, changes.get("status"), changes.get("remote_status"))
        return Written(await self.get(ctx, key), warnings)

    async def _transition(self, ctx: ProviderContext, key: str, status: Any, remote_status: str | None) -> None:
        """Move the issue through the first transition to the status (name) or status category asked for."""
        response = await ctx.http.get(api(ctx, f"/issue/{key}/transitions"))
        check(ctx, response, f"updating issue {key}")
        transitions: list[dict[str, Any]] = response.json().get("transitions") or []
        targets = {str((t.get("to") or {}).get("name")) for t in transitions}
        if remote_status is not None:
            field = "remote_status"
            chosen = next((t for t in transitions if (t.get("to") or {}).get("name") == remote_status), None)
            accepted = ", ".join(sorted(targets))
        else:
            field, wanted = "status", CATEGORY.get(TicketStatus(status))
            chosen = next(
                (t for t in transitions if ((t.get("to") or {}).get("statusCategory") or {}).get("key") == wanted),
                None,
            )
            accepted = "OPEN, IN_PROGRESS, CLOSED (or a Jira status name as remote_status)"
        if chosen is None:
            value = remote_status if remote_status is not None else TicketStatus(status).value
            raise ProviderError(
                422,
                "invalid_field",
                f"{field}: issue {key} has no transition to {value}; accepted now: {accepted}",
                field=field,
            )
        moved = await ctx.http.post(api(ctx, f"/issue/{key}/transitions"), json={"transition": {"id": chosen["id"]}})
        check(ctx, moved, f"moving issue {key}")
