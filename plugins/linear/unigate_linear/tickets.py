"""Linear issues as tickets: id the issue UUID (the identifier ``ENG-123`` is accepted on reads).

Status maps on the workflow state's ``type``, priority on Linear's number (1 urgent .. 4 low, 0 none); lists filter
by team (``collection_id`` = team id), status and ``modified_after``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from unified_models import FieldWarning, Ticket, TicketCreate, TicketPriority, TicketStatus, TicketUpdate
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args

ISSUE = """id identifier title description priority url dueDate createdAt updatedAt startedAt completedAt canceledAt
  state { id name type } team { id key name } project { id name } assignee { id name } creator { id name }
  parent { id identifier } labels(first: 100) { nodes { id name } }"""
STATUS_OF = {
    "triage": TicketStatus.OPEN,
    "backlog": TicketStatus.OPEN,
    "unstarted": TicketStatus.OPEN,
    "started": TicketStatus.IN_PROGRESS,
    "completed": TicketStatus.CLOSED,
    "canceled": TicketStatus.CLOSED,
    "duplicate": TicketStatus.CLOSED,
}
STATE_TYPES = {  # unified status -> Linear state types, preferred first for writes
    TicketStatus.OPEN: ("unstarted", "backlog", "triage"),
    TicketStatus.IN_PROGRESS: ("started",),
    TicketStatus.CLOSED: ("completed", "canceled", "duplicate"),
}
PRIORITY_OF = {1: TicketPriority.URGENT, 2: TicketPriority.HIGH, 3: TicketPriority.NORMAL, 4: TicketPriority.LOW}
NUMBER_OF = {priority: number for number, priority in PRIORITY_OF.items()}
UNSUPPORTED = {  # unified field -> why Linear cannot set it through this plugin
    "description_html": "Linear takes Markdown only; send description",
    "ticket_type": "Linear issues have no type",
    "assigned_teams": "Linear issues belong to one team: send it in collections",
    "contact": "Linear issues have no contact",
    "account": "Linear issues have no account",
}
LIST_QUERY = f"""query Issues($first: Int, $after: String, $filter: IssueFilter) {{
  issues(first: $first, after: $after, filter: $filter) {{ nodes {{ {ISSUE} }} {PAGE_INFO} }}
}}"""
GET_QUERY = f"query Issue($id: String!) {{ issue(id: $id) {{ {ISSUE} }} }}"
CREATE = f"""mutation IssueCreate($input: IssueCreateInput!) {{
  issueCreate(input: $input) {{ success issue {{ {ISSUE} }} }}
}}"""
UPDATE = f"""mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) {{
  issueUpdate(id: $id, input: $input) {{ success issue {{ {ISSUE} }} }}
}}"""
STATES = """query States($filter: WorkflowStateFilter) {
  workflowStates(first: 100, filter: $filter) { nodes { id name type position } }
}"""
LABELS = f"""query Labels($after: String) {{
  issueLabels(first: 250, after: $after) {{ nodes {{ id name team {{ id }} }} {PAGE_INFO} }}
}}"""


def to_ticket(issue: dict[str, Any], provider: str = "linear") -> Ticket:
    state, team, project = issue.get("state") or {}, issue.get("team") or {}, issue.get("project")
    number = int(issue.get("priority") or 0)
    due = issue.get("dueDate")
    return Ticket(
        id=str(issue["id"]),
        remote_id=str(issue["id"]),
        provider=provider,
        remote_created_at=parse_time(issue.get("createdAt")),
        remote_updated_at=parse_time(issue.get("updatedAt")),
        remote_data=issue,
        name=issue.get("title"),
        description=issue.get("description"),
        status=STATUS_OF.get(str(state.get("type"))),
        remote_status=state.get("name"),
        priority=PRIORITY_OF.get(number),
        remote_priority=str(number),
        assignees=[str(issue["assignee"]["id"])] if issue.get("assignee") else [],
        collections=[str(team["id"])] + ([str(project["id"])] if project else []),
        parent_ticket=(issue.get("parent") or {}).get("id"),
        tags=[str(label["name"]) for label in (issue.get("labels") or {}).get("nodes") or []],
        due_date=datetime.fromisoformat(due).replace(tzinfo=UTC) if due else None,
        creator=(issue.get("creator") or {}).get("id"),
        completed_at=parse_time(issue.get("completedAt") or issue.get("canceledAt")),
        ticket_url=issue.get("url"),
    )


def issue_filter(query: ListQuery) -> dict[str, Any]:
    """Linear's ``IssueFilter`` for the list query; 400 for a filter it cannot apply."""
    if query.assignee_id:
        raise ProviderError(
            400,
            "invalid_query_params",
            "assignee_id: this Linear plugin cannot filter issues by assignee; leave it out",
            field="assignee_id",
        )
    found: dict[str, Any] = {}
    if query.collection_id:
        found["team"] = {"id": {"eq": query.collection_id}}
    if query.modified_after is not None:
        found["updatedAt"] = {"gt": format_time(query.modified_after, "iso_ms")}
    if query.status:
        found["state"] = {"type": {"in": list(STATE_TYPES.get(TicketStatus(query.status), ()))}}
    return found


def _invalid(field: str, message: str) -> ProviderError:
    return ProviderError(422, "invalid_field", f"{field}: {message}", field=field)


def _priority(fields: dict[str, Any]) -> int | None:
    """Linear's priority number for the unified ``priority`` or ``remote_priority`` sent (None: not sent)."""
    if "priority" in fields:
        value = fields["priority"]
        return 0 if value is None else NUMBER_OF[TicketPriority(value)]
    if fields.get("remote_priority") is not None:
        text = str(fields["remote_priority"])
        if text not in ("0", "1", "2", "3", "4"):
            raise _invalid("remote_priority", "send 0 (none), 1 (urgent), 2 (high), 3 (medium) or 4 (low)")
        return int(text)
    return None


async def _state_id(ctx: ProviderContext, team_id: str, fields: dict[str, Any]) -> str | None:
    """The id of the team's workflow state for the ``status`` or ``remote_status`` sent (None: not sent)."""
    if fields.get("status") is None and fields.get("remote_status") is None:
        return None
    data = await gql(ctx, STATES, {"filter": {"team": {"id": {"eq": team_id}}}}, f"workflow states of team {team_id}")
    states = sorted(data["workflowStates"]["nodes"], key=lambda s: float(s.get("position") or 0))
    if fields.get("status") is not None:
        status = TicketStatus(fields["status"])
        for kind in STATE_TYPES.get(status, ()):
            match = next((s for s in states if s["type"] == kind), None)
            if match:
                return str(match["id"])
        raise _invalid("status", f"the team has no workflow state for {status.value}; send OPEN, IN_PROGRESS or CLOSED")
    name = str(fields["remote_status"])
    match = next((s for s in states if s["name"].lower() == name.lower()), None)
    if match is None:
        raise _invalid("remote_status", f"send one of the team's states: {', '.join(s['name'] for s in states)}")
    return str(match["id"])


async def _label_ids(ctx: ProviderContext, team_id: str, names: list[str]) -> list[str]:
    """Ids of the labels named (workspace labels or the team's); 422 naming unknown ones."""
    labels: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        data = await gql(ctx, LABELS, {"after": after}, "issue labels")
        connection = data["issueLabels"]
        labels += [lbl for lbl in connection["nodes"] if (lbl.get("team") or {}).get("id") in (None, team_id)]
        after = connection["pageInfo"]["endCursor"] if connection["pageInfo"]["hasNextPage"] else None
        if after is None:
            break
    by_name = {str(label["name"]).lower(): str(label["id"]) for label in labels}
    unknown = [name for name in names if name.lower() not in by_name]
    if unknown:
        raise _invalid("tags", f"Linear has no label {', '.join(unknown)} for the issue's team")
    return [by_name[name.lower()] for name in names]


async def _input(ctx: ProviderContext, team_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Linear's issue input for the unified fields sent (``UNSUPPORTED`` ones are left out)."""
    payload: dict[str, Any] = {}
    if "name" in fields:
        payload["title"] = fields["name"]
    if "description" in fields:
        payload["description"] = fields["description"]
    if "assignees" in fields:
        assignees = list(fields["assignees"] or [])
        if len(assignees) > 1:
            raise _invalid("assignees", "Linear issues have at most one assignee")
        payload["assigneeId"] = assignees[0] if assignees else None
    if "parent_ticket" in fields:
        payload["parentId"] = fields["parent_ticket"]
    if "due_date" in fields:
        due = fields["due_date"]
        payload["dueDate"] = due.date().isoformat() if due else None
    if "tags" in fields:
        payload["labelIds"] = await _label_ids(ctx, team_id, list(fields["tags"] or []))
    priority = _priority(fields)
    if priority is not None:
        payload["priority"] = priority
    state_id = await _state_id(ctx, team_id, fields)
    if state_id is not None:
        payload["stateId"] = state_id
    return payload


class LinearTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    """Issues: list (optionally per team), get, create and update (state, priority, labels, assignee)."""

    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "status",
        "remote_status",
        "priority",
        "remote_priority",
        "assignees",
        "collections",
        "parent_ticket",
        "tags",
        "due_date",
        "creator",
        "completed_at",
        "ticket_url",
    )

    filters = frozenset({"assignee_id", "collection_id", "modified_after", "status"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Ticket]:
        if query.status == TicketStatus.ON_HOLD:
            return ResourcePage([])  # no Linear state type means on hold
        variables = {**page_args(query), "filter": issue_filter(query)}
        where = f"team {query.collection_id}" if query.collection_id else "the workspace"
        data = await gql(ctx, LIST_QUERY, variables, f"issues of {where}")
        connection = data["issues"]
        return ResourcePage([to_ticket(i) for i in connection["nodes"]], next_cursor(connection))

    async def get(self, ctx: ProviderContext, remote_id: str) -> Ticket:
        return to_ticket(await self._issue(ctx, remote_id))

    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        if len(data.collections) not in (1, 2):
            raise ProviderError(
                400,
                "invalid_body",
                "collections: send the team id (see GET /collections), optionally followed by a project id",
                field="collections",
            )
        team_id = data.collections[0]
        sent = data.model_dump(exclude_unset=True)
        payload = await _input(ctx, team_id, sent)
        payload["teamId"] = team_id
        if len(data.collections) == 2:
            payload["projectId"] = data.collections[1]
        result = await gql(ctx, CREATE, {"input": payload}, f"new issue in team {team_id}")
        ticket = to_ticket(result["issueCreate"]["issue"])
        return Written(ticket, unsettable(sent, UNSUPPORTED, ticket.id))

    async def update(self, ctx: ProviderContext, remote_id: str, data: TicketUpdate) -> Written[Ticket]:
        changes = data.changes()
        issue = await self._issue(ctx, remote_id)
        payload = await _input(ctx, str(issue["team"]["id"]), changes)
        warnings = unsettable(changes, UNSUPPORTED, str(issue["id"]))
        if changes.get("collections") is not None:
            message = "moving issues between teams or projects is not supported"
            warnings.append(FieldWarning(field="collections", message=message, object_id=str(issue["id"])))
        if not payload:
            return Written(to_ticket(issue), warnings)
        result = await gql(ctx, UPDATE, {"id": issue["id"], "input": payload}, f"issue {remote_id}")
        return Written(to_ticket(result["issueUpdate"]["issue"]), warnings)

    async def _issue(self, ctx: ProviderContext, remote_id: str) -> dict[str, Any]:
        data = await gql(ctx, GET_QUERY, {"id": remote_id}, f"issue {remote_id}")
        issue: dict[str, Any] = data["issue"]
        return issue
