"""Fake Linear (GraphQL API + OAuth token endpoint) with in-memory state, served on 127.0.0.1.

``POST /graphql`` executes queries with ``graphql-core`` against the SDL subset in ``linear_schema``. OAuth access
tokens authenticate as ``Authorization: Bearer <token>``, personal API keys as ``Authorization: <key>``. Errors use
Linear's shape (``errors[].extensions`` with ``type``, as ``@linear/sdk`` parses it, plus ``code``); a rate limit
is HTTP 400 with ``RATELIMITED`` and ``x-ratelimit-requests-*`` headers (reset in epoch milliseconds).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema, graphql_sync, parse, validate
from linear_schema import SDL
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error, rate_limited
from gateway.testing.fake_upstream import FakeUpstream, Token, TokenState
from gateway.testing.token_endpoint import Refusal, TokenEndpoint

WEB = "https://linear.app"
PRIORITY_LABELS = {0: "No priority", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
#: (name, type, colour) of a new team's workflow; "In Review" is a custom "started" state.
WORKFLOW = [
    ("Backlog", "backlog", "#bec2c8"),
    ("Todo", "unstarted", "#e2e2e2"),
    ("In Progress", "started", "#f2c94c"),
    ("In Review", "started", "#0f783c"),
    ("Done", "completed", "#5e6ad2"),
    ("Canceled", "canceled", "#95a2b3"),
]
ERRORS = {  # extensions.type (what @linear/sdk reads) and extensions.code, by kind
    "auth": ("authentication error", "AUTHENTICATION_ERROR", "You need to authenticate to access this operation."),
    "ratelimited": ("ratelimited", "RATELIMITED", "Rate limit exceeded. Please wait before making further requests."),
    "invalid": ("invalid input", "INVALID_INPUT", "Invalid input."),
}

REFUSALS: dict[Refusal, tuple[int, str, str | None]] = {
    "invalid_client": (400, "invalid_client", "Invalid client credentials"),
    "invalid_code": (400, "invalid_grant", "Invalid grant: authorization code is invalid"),
    "invalid_refresh_token": (400, "invalid_grant", "Invalid grant: refresh token is invalid"),
    "unsupported": (400, "unsupported_grant_type", None),
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def linear_error(kind: str, message: str, status: int) -> dict[str, Any]:
    kind_type, code, friendly = ERRORS[kind]
    extensions = {"type": kind_type, "code": code, "statusCode": status, "userError": True}
    return {"message": message, "extensions": {**extensions, "userPresentableMessage": friendly}}


def connection(items: list[dict[str, Any]], first: int | None = None, after: str | None = None) -> dict[str, Any]:
    """A Relay connection over ``items`` (cursor = node id, default page size 50, as Linear)."""
    size = min(first if first is not None else 50, 250)
    start = next((n + 1 for n, item in enumerate(items) if item["id"] == after), 0) if after else 0
    page = items[start : start + size]
    info = {
        "hasNextPage": start + size < len(items),
        "hasPreviousPage": start > 0,
        "startCursor": page[0]["id"] if page else None,
        "endCursor": page[-1]["id"] if page else None,
    }
    return {"nodes": page, "edges": [{"node": n, "cursor": n["id"]} for n in page], "pageInfo": info}


def paged(items: Callable[[], list[dict[str, Any]]]) -> Callable[..., dict[str, Any]]:
    """A connection field resolver: ``(info, first=, after=)``."""
    return lambda info, first=None, after=None, **_: connection(items(), first, after)


class FakeLinear(FakeUpstream):
    """Linear with one organization, users, teams, workflow states, labels, projects, issues and comments."""

    public_paths = ("/oauth/",)
    requests_limit = 5000

    def __init__(self) -> None:
        super().__init__()
        self.schema: GraphQLSchema = build_schema(SDL)
        self.org = {"id": str(uuid.uuid4()), "name": "Acme", "urlKey": "acme", "createdAt": now(), "updatedAt": now()}
        self.users: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.states: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, dict[str, Any]] = {}
        self.projects: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.attachments: dict[str, dict[str, Any]] = {}
        self.sync_id = 1000
        self.requests_used = 0

    # -- seeding --------------------------------------------------------------------------------------------------
    def _record(self, **fields: Any) -> dict[str, Any]:
        stamp = now()
        return {"id": str(uuid.uuid4()), "createdAt": stamp, "updatedAt": stamp, "archivedAt": None, **fields}

    def add_user(self, name: str, *, admin: bool = False) -> dict[str, Any]:
        handle = name.split()[0].lower()
        user = self._record(name=name, displayName=handle, email=f"{handle}@example.com", admin=admin)
        self.users[user["id"]] = user
        return user

    def add_team(self, key: str, name: str) -> dict[str, Any]:
        team = self._record(key=key, name=name, description=None, private=False, next_number=1)
        self.teams[team["id"]] = team
        for position, (state_name, kind, color) in enumerate(WORKFLOW):
            state = self._record(name=state_name, type=kind, color=color, position=float(position), teamId=team["id"])
            self.states[state["id"]] = state
        return team

    def add_label(self, name: str, color: str = "#eb5757", team: dict[str, Any] | None = None) -> dict[str, Any]:
        label = self._record(name=name, color=color, description=None, teamId=team["id"] if team else None)
        self.labels[label["id"]] = label
        return label

    def add_project(self, name: str) -> dict[str, Any]:
        project = self._record(name=name, description="", slugId=uuid.uuid4().hex[:12], state="started", priority=0)
        self.projects[project["id"]] = project
        return project

    def state_named(self, team: dict[str, Any], name: str) -> dict[str, Any]:
        return next(s for s in self.states.values() if s["teamId"] == team["id"] and s["name"] == name)

    def add_issue(self, team: dict[str, Any], title: str, creator: dict[str, Any], **fields: Any) -> dict[str, Any]:
        number = team["next_number"]
        team["next_number"] += 1
        issue = self._record(title=title, number=float(number), identifier=f"{team['key']}-{number}", teamId=team["id"])
        issue.update(description=None, priority=0, estimate=None, dueDate=None, creatorId=creator["id"])
        issue.update(stateId=self.state_named(team, "Todo")["id"], assigneeId=None, projectId=None, parentId=None)
        issue.update(labelIds=[], startedAt=None, completedAt=None, canceledAt=None, **fields)
        self.issues[issue["id"]] = issue
        return issue

    def add_attachment(self, issue: dict[str, Any], title: str, url: str, creator: dict[str, Any]) -> dict[str, Any]:
        """A link attached to an issue (a pull request, a document, a Sentry event), as Linear keeps them."""
        attachment = self._record(title=title, subtitle=None, url=url, issueId=issue["id"], creatorId=creator["id"])
        attachment.update(metadata={}, sourceType="api", groupBySource=False)
        self.attachments[attachment["id"]] = attachment
        return attachment

    def add_comment(self, issue: dict[str, Any], body: str, author: dict[str, Any]) -> dict[str, Any]:
        comment = self._record(body=body, issueId=issue["id"], userId=author["id"])
        self.comments[comment["id"]] = comment
        return comment

    def oauth_token_for(self, user: dict[str, Any], *, expires_in: float | None = 86399) -> str:
        return self.issue_token(
            subject=user["id"], scopes=["read", "write"], expires_in=expires_in, prefix="lin_oauth_"
        )

    def api_key_for(self, user: dict[str, Any]) -> str:
        return self.issue_token(subject=user["id"], prefix="lin_api_", api_key=True)

    # -- provider hooks -------------------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Token | TokenState:
        header = request.headers.get("authorization", "").strip()
        bearer = header.lower().startswith("bearer ")
        value = header[7:].strip() if bearer else header
        token = self.tokens.get(value)
        if not value:
            return "missing"
        if token is None or token.kind != "access" or bool(token.data.get("api_key")) == bearer:
            return "unknown"  # API keys must not carry "Bearer", OAuth tokens must
        return token if token.state == "valid" else token.state

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return json_error(400, {"errors": [linear_error("auth", "Authentication required, not authenticated", 401)]})

    def rate_limit_response(self, request: Request, reset_in: float | None = None) -> Response:
        """Linear's HTTP 400 ``RATELIMITED`` answer; the budget resets at the hour, or in ``reset_in`` seconds."""
        headers = self._rate_headers(remaining=0)
        if reset_in is not None:
            headers["x-ratelimit-requests-reset"] = str(int((time.time() + reset_in) * 1000))
        body = {"errors": [linear_error("ratelimited", "Rate limit exceeded", 429)]}
        return rate_limited(body, status=400, retry_after=None, headers=headers)

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        if request.url.path != "/graphql":
            return {}
        self.requests_used += 1
        return self._rate_headers(remaining=max(self.requests_limit - self.requests_used, 0))

    def _rate_headers(self, remaining: int) -> dict[str, str]:
        reset_ms = (int(time.time()) // 3600 + 1) * 3600 * 1000
        limit = str(self.requests_limit)
        return {
            "x-ratelimit-requests-limit": limit,
            "x-ratelimit-requests-remaining": str(remaining),
            "x-ratelimit-requests-reset": str(reset_ms),
        }

    # -- rendering ------------------------------------------------------------------------------------------------
    def _user(self, record: dict[str, Any], viewer: str | None = None) -> dict[str, Any]:
        url = f"{WEB}/{self.org['urlKey']}/profiles/{record['displayName']}"
        return {
            **record,
            "active": True,
            "guest": False,
            "avatarUrl": None,
            "url": url,
            "timezone": "Europe/London",
            "isMe": record["id"] == viewer,
            "organization": self.org,
        }

    def _team(self, record: dict[str, Any]) -> dict[str, Any]:
        def states() -> list[dict[str, Any]]:
            return [self._state(s) for s in self.states.values() if s["teamId"] == record["id"]]

        return {**record, "displayName": record["name"], "states": paged(states)}

    def _state(self, record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "description": None, "team": lambda info: self._team(self.teams[record["teamId"]])}

    def _label(self, record: dict[str, Any]) -> dict[str, Any]:
        team = self.teams.get(record["teamId"] or "")
        return {**record, "isGroup": False, "team": self._team(team) if team else None}

    def _project(self, record: dict[str, Any]) -> dict[str, Any]:
        url = f"{WEB}/{self.org['urlKey']}/project/{record['slugId']}"
        return {
            **record,
            "url": url,
            "color": "#bec2c8",
            "progress": 0.0,
            "startedAt": None,
            "completedAt": None,
            "canceledAt": None,
        }

    def _issue(self, record: dict[str, Any], viewer: str | None) -> dict[str, Any]:
        def comments() -> list[dict[str, Any]]:
            return [self._comment(c, viewer) for c in self.comments.values() if c["issueId"] == record["id"]]

        team = self.teams[record["teamId"]]
        project, parent = self.projects.get(record["projectId"] or ""), self.issues.get(record["parentId"] or "")
        return {
            **record,
            "priority": float(record["priority"]),
            "priorityLabel": PRIORITY_LABELS[record["priority"]],
            "url": f"{WEB}/{self.org['urlKey']}/issue/{record['identifier']}",
            "branchName": f"{record['identifier'].lower()}-{record['title'].lower().replace(' ', '-')[:40]}",
            "state": self._state(self.states[record["stateId"]]),
            "team": self._team(team),
            "assignee": self._user(self.users[record["assigneeId"]], viewer) if record["assigneeId"] else None,
            "creator": self._user(self.users[record["creatorId"]], viewer),
            "project": self._project(project) if project else None,
            "parent": (lambda info: self._issue(parent, viewer)) if parent else None,
            "labels": paged(lambda: [self._label(self.labels[i]) for i in record["labelIds"]]),
            "comments": paged(comments),
            "attachments": paged(
                lambda: [self._attachment(a, viewer) for a in self.attachments.values() if a["issueId"] == record["id"]]
            ),
        }

    def _attachment(self, record: dict[str, Any], viewer: str | None) -> dict[str, Any]:
        issue = self.issues[record["issueId"]]
        creator = self.users.get(record["creatorId"] or "")
        return {
            **record,
            "creator": self._user(creator, viewer) if creator else None,
            "issue": lambda info: self._issue(issue, viewer),
        }

    def _comment(self, record: dict[str, Any], viewer: str | None) -> dict[str, Any]:
        issue = self.issues[record["issueId"]]
        url = f"{WEB}/{self.org['urlKey']}/issue/{issue['identifier']}#comment-{record['id'][:8]}"
        return {
            **record,
            "url": url,
            "editedAt": None,
            "user": self._user(self.users[record["userId"]], viewer),
            "issue": lambda info: self._issue(issue, viewer),
        }

    # -- resolvers ------------------------------------------------------------------------------------------------
    @staticmethod
    def _find(records: dict[str, dict[str, Any]], ref: str, kind: str) -> dict[str, Any]:
        if ref not in records:
            raise GraphQLError(f"Entity not found: {kind}", extensions=linear_error("invalid", "", 400)["extensions"])
        return records[ref]

    def _find_issue(self, ref: str) -> dict[str, Any]:
        found = self.issues.get(ref) or next((i for i in self.issues.values() if i["identifier"] == ref.upper()), None)
        if found is None:
            raise GraphQLError("Entity not found: Issue", extensions=linear_error("invalid", "", 400)["extensions"])
        return found

    def _matches(self, issue: dict[str, Any], flt: dict[str, Any]) -> bool:
        def compare(value: Any, comparator: dict[str, Any]) -> bool:
            checks: dict[str, Callable[[Any], bool]] = {
                "eq": lambda c: value == c,
                "neq": lambda c: value != c,
                "in": lambda c: value in c,
                "nin": lambda c: value not in c,
                "gt": lambda c: value > c,
                "gte": lambda c: value >= c,
                "lt": lambda c: value < c,
                "lte": lambda c: value <= c,
            }
            return all(checks[op](_norm(arg)) for op, arg in comparator.items() if arg is not None)

        team, state = self.teams[issue["teamId"]], self.states[issue["stateId"]]
        targets = {"id": issue, "createdAt": issue, "updatedAt": issue}
        for key, comparator in flt.items():
            if key in targets and not compare(_norm(issue[key]), comparator):
                return False
            if key in ("team", "state"):
                subject = team if key == "team" else state
                if not all(compare(subject[k], c) for k, c in comparator.items() if k != "team"):
                    return False
                if key == "state" and "team" in comparator and not self._matches(issue, {"team": comparator["team"]}):
                    return False
        return True

    def _root(self, token: Token) -> dict[str, Any]:
        viewer = token.subject

        def issues(
            info: Any,
            first: int | None = None,
            after: str | None = None,
            filter: Any = None,
            orderBy: str | None = None,
            includeArchived: bool | None = None,
        ) -> dict[str, Any]:
            found = [
                i
                for i in self.issues.values()
                if self._matches(i, filter or {}) and (includeArchived or i.get("archivedAt") is None)
            ]
            found.sort(key=lambda i: (i[orderBy or "createdAt"], i["number"]), reverse=True)
            return connection([self._issue(i, viewer) for i in found], first, after)

        def issue_update(info: Any, id: str, input: dict[str, Any]) -> dict[str, Any]:
            record = self._find_issue(id)
            self._apply(record, input)
            return self._payload("issue", self._issue(record, viewer))

        def issue_archive(info: Any, id: str, trash: bool | None = None) -> dict[str, Any]:
            record = self._find_issue(id)
            record["archivedAt"] = record["updatedAt"] = now()
            payload = self._payload("issue", self._issue(record, viewer))
            return {"success": payload["success"], "lastSyncId": payload["lastSyncId"], "entity": payload["issue"]}

        def issue_create(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            team = self.teams.get(input["teamId"])
            if team is None:
                raise GraphQLError("Entity not found: Team", extensions=linear_error("invalid", "", 400)["extensions"])
            record = self.add_issue(team, input.get("title") or "", self.users[viewer])
            self._apply(record, {k: v for k, v in input.items() if k != "teamId"})
            return self._payload("issue", self._issue(record, viewer))

        def comment_create(info: Any, input: dict[str, Any]) -> dict[str, Any]:
            issue = self._find_issue(input.get("issueId") or "")
            record = self.add_comment(issue, input.get("body") or "", self.users[viewer])
            issue["updatedAt"] = record["createdAt"]
            return self._payload("comment", self._comment(record, viewer))

        def state_filter(
            info: Any, first: int | None = None, after: str | None = None, filter: Any = None
        ) -> dict[str, Any]:
            states = [s for s in self.states.values() if not filter or self._state_matches(s, filter)]
            return connection([self._state(s) for s in states], first, after)

        return {
            "viewer": lambda info: self._user(self.users[viewer], viewer),
            "organization": lambda info: self.org,
            "users": paged(lambda: [self._user(u, viewer) for u in self.users.values()]),
            "teams": paged(lambda: [self._team(t) for t in self.teams.values()]),
            "projects": paged(lambda: [self._project(p) for p in self.projects.values()]),
            "issueLabels": paged(lambda: [self._label(label) for label in self.labels.values()]),
            "workflowStates": state_filter,
            "issues": issues,
            "issue": lambda info, id: self._issue(self._find_issue(id), viewer),
            "team": lambda info, id: self._team(self._find(self.teams, id, "Team")),
            "project": lambda info, id: self._project(self._find(self.projects, id, "Project")),
            "user": lambda info, id: self._user(self._find(self.users, id, "User"), viewer),
            "attachment": lambda info, id: self._attachment(self._find(self.attachments, id, "Attachment"), viewer),
            "issueCreate": issue_create,
            "issueUpdate": issue_update,
            "issueArchive": issue_archive,
            "commentCreate": comment_create,
        }

    def _state_matches(self, state: dict[str, Any], flt: dict[str, Any]) -> bool:
        fake_issue = {"teamId": state["teamId"], "stateId": state["id"]}
        return self._matches(fake_issue, {"state": flt})

    def _apply(self, record: dict[str, Any], changes: dict[str, Any]) -> None:
        for key in ("title", "description", "priority", "estimate", "assigneeId", "projectId", "parentId", "dueDate"):
            if key in changes:
                record[key] = changes[key]
        if changes.get("labelIds") is not None:
            record["labelIds"] = list(changes["labelIds"])
        record["labelIds"] += [i for i in changes.get("addedLabelIds") or [] if i not in record["labelIds"]]
        record["labelIds"] = [i for i in record["labelIds"] if i not in (changes.get("removedLabelIds") or [])]
        if changes.get("stateId"):
            record["stateId"] = changes["stateId"]
            kind, stamp = self.states[changes["stateId"]]["type"], now()
            record["startedAt"] = record["startedAt"] or (stamp if kind in ("started", "completed") else None)
            record["completedAt"] = stamp if kind == "completed" else None
            record["canceledAt"] = stamp if kind == "canceled" else None
        record["updatedAt"] = now()

    def _payload(self, key: str, node: dict[str, Any]) -> dict[str, Any]:
        self.sync_id += 1
        return {"success": True, "lastSyncId": float(self.sync_id), key: node}

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/token", self.token_endpoint().endpoint, methods=["POST"]),
            Route("/graphql", self.graphql, methods=["POST"]),
        ]

    async def graphql(self, request: Request) -> Response:
        payload = await request.json()
        query = payload.get("query") or ""
        try:
            problems = validate(self.schema, parse(query))
        except GraphQLError as exc:
            problems = [exc]
        if problems:
            kind = ("graphql error", "GRAPHQL_VALIDATION_FAILED")
            errors = [
                {"message": p.message, "extensions": {"type": kind[0], "code": kind[1], "userError": True}}
                for p in problems
            ]
            return JSONResponse({"errors": errors}, 400)
        result = graphql_sync(
            self.schema,
            query,
            root_value=self._root(request.state.token),
            variable_values=payload.get("variables"),
            operation_name=payload.get("operationName"),
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return JSONResponse(body)

    def token_endpoint(self) -> TokenEndpoint:
        """Code exchange and refresh (rotating); errors are 400 ``invalid_grant`` / ``invalid_client``."""
        return TokenEndpoint(
            self,
            access_ttl=86399,
            access_prefix="lin_oauth_",
            refresh_prefix="lin_refresh_",
            default_scopes=("read",),
            scope_separators=",",
            refusals=REFUSALS,
            default_subject=lambda: next(iter(self.users)),
            extra=lambda grant: {"scope": grant.scopes},
        )


def _norm(value: Any) -> Any:
    """Compare timestamps as instants, whatever their ISO spelling."""
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value
