"""Fake Jira Cloud (platform REST v3 + Atlassian OAuth 2.0 3LO) with in-memory state, served on 127.0.0.1.

Serves the API both under ``/ex/jira/{cloudId}`` (OAuth bearer tokens, as ``api.atlassian.com``) and at the site
root (Basic ``email:api_token``, as ``<site>.atlassian.net``), plus ``/authorize``, ``/oauth/token`` (rotating
refresh tokens: reuse answers 403 ``invalid_grant``, as Atlassian documents) and
``/oauth/token/accessible-resources``. ``/rest/api/3/search`` answers 410; ``/search/jql`` pages by
``nextPageToken``/``isLast``; other lists page by ``startAt``/``maxResults``/``total``/``isLast``.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from jira_shapes import (
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    Account,
    JiraIssue,
    JqlError,
    Project,
    attachment_metadata,
    is_adf,
    issue_fields,
    jql_date,
    parse_jql,
    parse_stamp,
    select_fields,
    stamp,
    transition,
    user,
)
from jira_shapes import comment as render_comment
from jira_shapes import project as render_project
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from gateway.testing.fake_errors import json_error, rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Refusal, TokenEndpoint

GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


def errors(http_status: int, messages: list[str] | None = None, /, **fields: str) -> JSONResponse:
    """Jira's ``ErrorCollection`` body: ``errorMessages`` plus per-field ``errors``."""
    return json_error(http_status, {"errorMessages": messages or [], "errors": fields})


REFUSALS: dict[Refusal, tuple[int, str, str | None]] = {
    "invalid_client": (401, "access_denied", "Unauthorized"),
    "invalid_code": (403, "invalid_grant", "Invalid authorization code"),
    "invalid_refresh_token": (403, "invalid_grant", "Unknown or invalid refresh token."),
    "unsupported": (400, "unsupported_grant_type", "Grant type '{grant}' is not supported"),
}


class FakeJira(FakeUpstream):
    """Jira Cloud with accounts, projects, issues, a custom workflow, comments and labels in memory."""

    public_paths = ("/authorize", "/oauth/token")
    cloud_id = "11223344-a1b2-3b33-c444-def123456789"
    site_name = "your-domain"
    scopes = ("read:jira-work", "write:jira-work", "read:jira-user", "offline_access")

    def __init__(self) -> None:
        super().__init__()
        self.accounts: dict[str, Account] = {}
        self.projects: dict[str, Project] = {}
        self.issues: list[JiraIssue] = []
        self._ids = iter(range(10000, 10**9))

    # -- seeding --------------------------------------------------------------------------------------------------
    def add_account(self, display_name: str, email: str | None = None) -> Account:
        # Atlassian account ids are 24 hex digits; the last ones count up here, so no two accounts share one
        account = Account(f"5b10a2844c2016570{len(self.accounts) + 1:07x}", display_name, email or "")
        account.email = email or display_name.lower().replace(" ", ".") + "@example.com"
        self.accounts[account.account_id] = account
        return account

    def add_project(self, key: str, name: str, lead: Account) -> Project:
        item = Project(str(next(self._ids)), key, name, lead.account_id)
        self.projects[key] = item
        return item

    def add_issue(self, project_key: str, summary: str, reporter: Account, **fields: Any) -> JiraIssue:
        proj = self.projects[project_key]
        item = JiraIssue(str(next(self._ids)), f"{proj.key}-{proj.next_number}", proj.key, summary, reporter.account_id)
        for name, value in fields.items():
            setattr(item, name, value)
        proj.next_number += 1
        self.issues.append(item)
        return item

    def oauth_token_for(self, account: Account, *, expires_in: float = 3600) -> str:
        return self.issue_token(subject=account.account_id, scopes=self.scopes, expires_in=expires_in, via="oauth")

    def api_token_for(self, account: Account) -> str:
        """Basic credentials ``email:token`` for site URLs (an Atlassian API token)."""
        token = self.issue_token(subject=account.account_id, via="basic", prefix="ATATT3x")
        return base64.b64encode(f"{account.email}:{token}".encode()).decode()

    # -- provider hooks -------------------------------------------------------------------------------------------
    def extract_token(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic" and not request.url.path.startswith("/ex/jira/"):
            return base64.b64decode(value).decode(errors="replace").partition(":")[2] or None
        if scheme.lower() == "bearer" and request.url.path.startswith(("/ex/jira/", "/oauth/token/")):
            return value.strip() or None
        return None

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        if request.url.path.startswith("/ex/jira/"):  # api.atlassian.com's gateway
            return JSONResponse({"code": 401, "message": "Unauthorized"}, 401)
        body = {"message": "Client must be authenticated to access this resource.", "status-code": 401}
        return JSONResponse(body, 401, headers={"www-authenticate": 'Basic realm="protected-area"'})

    def rate_limit_response(self, request: Request, retry_after: int = 5, reason: str = "jira-burst-based") -> Response:
        reset = (datetime.now(UTC) + timedelta(seconds=retry_after)).strftime("%Y-%m-%dT%H:%MZ")
        headers = {
            "x-ratelimit-limit": "350",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-nearlimit": "true",
            "x-ratelimit-reset": reset,
            "ratelimit-reason": reason,
        }
        return rate_limited(retry_after=retry_after, headers=headers)

    # -- helpers --------------------------------------------------------------------------------------------------
    def _api(self, request: Request) -> str:
        """The base URL Jira puts into ``self`` links: the gateway form or the site form, as requested."""
        cloud = request.path_params.get("cloud_id")
        return f"{self.base_url}/ex/jira/{cloud}" if cloud else self.base_url

    def _find(self, request: Request) -> JiraIssue | None:
        ref = request.path_params["ref"]
        return next((i for i in self.issues if ref in (i.id, i.key)), None)

    def _render(self, request: Request, item: JiraIssue, wanted: str | None) -> dict[str, Any]:
        api = self._api(request)
        fields = issue_fields(api, item, self.projects[item.project], self.accounts)
        return {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": item.id,
            "self": f"{api}/rest/api/3/issue/{item.id}",
            "key": item.key,
            "fields": select_fields(fields, wanted),
        }

    @staticmethod
    def _window(request: Request, cap: int = 50) -> tuple[int, int]:
        q = request.query_params
        return max(int(q.get("startAt", 0)), 0), min(max(int(q.get("maxResults", cap)), 0), cap)

    def _account(self, value: Any) -> str | None:
        account_id = value.get("accountId") or value.get("id") if isinstance(value, dict) else None
        return account_id if account_id in self.accounts else None

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        api = [
            Route("/rest/api/3/myself", self.myself),
            Route("/rest/api/3/project/search", self.project_search),
            Route("/rest/api/3/project/{ref}", self.get_project),
            Route("/rest/api/3/user", self.get_user),
            Route("/rest/api/3/attachment/{id}", self.get_attachment),
            Route("/rest/api/3/search", self.search_gone, methods=["GET", "POST"]),
            Route("/rest/api/3/search/jql", self.search_jql),
            Route("/rest/api/3/issue", self.create_issue, methods=["POST"]),
            Route("/rest/api/3/issue/{ref}", self.get_issue),
            Route("/rest/api/3/issue/{ref}", self.edit_issue, methods=["PUT"]),
            Route("/rest/api/3/issue/{ref}/transitions", self.get_transitions),
            Route("/rest/api/3/issue/{ref}/transitions", self.do_transition, methods=["POST"]),
            Route("/rest/api/3/issue/{ref}/comment", self.get_comments),
            Route("/rest/api/3/issue/{ref}/comment", self.add_comment, methods=["POST"]),
            Route("/rest/api/3/users/search", self.users_search),
            Route("/rest/api/3/label", self.labels),
        ]
        return [
            Route("/authorize", self.authorize),
            Route("/oauth/token", self.token_endpoint().endpoint, methods=["POST"]),
            Route("/oauth/token/accessible-resources", self.accessible_resources),
            Mount("/ex/jira/{cloud_id:str}", routes=api),
            *api,
        ]

    async def accessible_resources(self, request: Request) -> Response:
        resource = {
            "id": self.cloud_id,
            "url": self.base_url,
            "name": self.site_name,
            "scopes": list(self.scopes),
            "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png",
        }
        return JSONResponse([resource])

    async def myself(self, request: Request) -> Response:
        return JSONResponse(user(self._api(request), self.accounts[request.state.token.subject]))

    async def users_search(self, request: Request) -> Response:
        start, size = self._window(request, 1000)
        accounts = list(self.accounts.values())[start : start + size]
        return JSONResponse([user(self._api(request), a) for a in accounts])

    def add_attachment(self, issue: JiraIssue, filename: str, mime_type: str, size: int, author: Account) -> str:
        record = {"id": str(next(self._ids)), "filename": filename, "mimeType": mime_type, "size": size}
        record.update(author=author.account_id, created=stamp())
        issue.attachments.append(record)
        return str(record["id"])

    async def get_attachment(self, request: Request) -> Response:
        wanted = request.path_params["id"]
        for issue in self.issues:
            for record in issue.attachments:
                if record["id"] == wanted:
                    return JSONResponse(attachment_metadata(self._api(request), record, self.accounts))
        return errors(404, [f"The attachment with ID '{wanted}' does not exist"])

    async def get_user(self, request: Request) -> Response:
        account_id = request.query_params.get("accountId")
        if not account_id:
            return errors(400, ["The accountId query parameter needs to be provided."])
        if account_id not in self.accounts:
            return errors(404, ["Specified user does not exist or you do not have required permissions"])
        return JSONResponse(user(self._api(request), self.accounts[account_id]))

    async def get_project(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        found = next((p for p in self.projects.values() if ref in (p.key, p.id)), None)
        if found is None:
            return errors(404, [f"No project could be found with key '{ref}'."])
        issues = [i for i in self.issues if i.project == found.key]
        last = max((i.updated for i in issues), default=stamp())
        return JSONResponse(render_project(self._api(request), found, len(issues), last))

    async def project_search(self, request: Request) -> Response:
        start, size = self._window(request)
        query = request.query_params.get("query", "").lower()
        found = [p for p in self.projects.values() if query in p.key.lower() or query in p.name.lower()]
        api = self._api(request)
        values = []
        for p in found[start : start + size]:
            issues = [i for i in self.issues if i.project == p.key]
            last = max((i.updated for i in issues), default=stamp())
            values.append(render_project(api, p, len(issues), last))
        page: dict[str, Any] = {"self": f"{api}/rest/api/3/project/search?startAt={start}&maxResults={size}"}
        if start + size < len(found):
            page["nextPage"] = f"{api}/rest/api/3/project/search?startAt={start + size}&maxResults={size}"
        page.update(maxResults=size, startAt=start, total=len(found), isLast=start + size >= len(found), values=values)
        return JSONResponse(page)

    async def labels(self, request: Request) -> Response:
        start, size = self._window(request, 1000)
        names = sorted({name for i in self.issues for name in i.labels})
        body = {"maxResults": size, "startAt": start, "total": len(names), "isLast": start + size >= len(names)}
        return JSONResponse({**body, "values": names[start : start + size]})

    async def search_gone(self, request: Request) -> Response:
        return errors(410, [GONE])

    async def search_jql(self, request: Request) -> Response:
        q = request.query_params
        try:
            clauses, (sort_field, descending) = parse_jql(q.get("jql", ""))
            matches = [i for i in self.issues if all(self._matches(i, *c) for c in clauses)]
        except JqlError as exc:
            return errors(400, [str(exc)])
        if not clauses:
            return errors(
                400, ["Unbounded JQL queries are not allowed here. Please add a search restriction to your query."]
            )
        if sort_field not in ("updated", "created", "key"):
            return errors(400, [f"Not able to sort using field '{sort_field}'."])
        matches.sort(
            key=lambda i: (getattr(i, sort_field) if sort_field != "key" else int(i.id), int(i.id)), reverse=descending
        )
        size = min(max(int(q.get("maxResults", 50)), 1), 100)
        start = 0
        if "nextPageToken" in q:
            token = self.tokens.get(q["nextPageToken"])
            if token is None or token.kind != "page" or token.data.get("jql") != q.get("jql", ""):
                return errors(400, ["The provided next page token is invalid or expired."])
            start = token.data["start"]
        wanted = q.get("fields", "id")
        issues = [self._render(request, i, wanted) for i in matches[start : start + size]]
        if wanted == "id":  # /search/jql returns ids only unless fields are asked for
            issues = [{"id": i["id"]} for i in issues]
        body: dict[str, Any] = {"issues": issues, "isLast": start + size >= len(matches)}
        if not body["isLast"]:
            body["nextPageToken"] = self.issue_token(
                kind="page", expires_in=600, start=start + size, jql=q.get("jql", "")
            )
        return JSONResponse(body)

    def _matches(self, item: JiraIssue, name: str, op: str, value: str) -> bool:
        if name in ("updated", "created"):
            left, right = parse_stamp(getattr(item, name)), jql_date(value)
            return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right}.get(
                op, left == right
            )
        status = next(s for s in STATUSES if s[0] == item.status)
        actual = {
            "project": item.project,
            "key": item.key,
            "status": status[1],
            "statuscategory": {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}[status[2]],
            "assignee": item.assignee or "EMPTY",
        }.get(name)
        if name == "project" and value.upper() not in self.projects:
            raise JqlError(f"The value '{value}' does not exist for the field 'project'.")
        if name == "labels":
            return (value in item.labels) == (op == "=")
        equal = str(actual).lower() == value.lower()
        return equal if op == "=" else not equal

    async def get_issue(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        return JSONResponse(self._render(request, item, request.query_params.get("fields", "*all")))  # default: all

    async def create_issue(self, request: Request) -> Response:
        fields = (await request.json()).get("fields", {})
        proj_ref = fields.get("project", {})
        proj = next(
            (p for p in self.projects.values() if proj_ref.get("key") == p.key or proj_ref.get("id") == p.id), None
        )
        if proj is None:
            return errors(400, project="Specify a valid project ID or key")
        if not fields.get("summary"):
            return errors(400, summary="You must specify a summary of the issue.")
        if "description" in fields and fields["description"] is not None and not is_adf(fields["description"]):
            return errors(
                400, description="Operation value must be an Atlassian Document (see the Atlassian Document Format)."
            )
        type_ref = fields.get("issuetype", {})
        issue_type = next(
            (k for k, (n, _) in ISSUE_TYPES.items() if type_ref.get("id") == k or type_ref.get("name") == n), None
        )
        if issue_type is None:
            return errors(400, issuetype="Specify an issue type")
        reporter = self.accounts[request.state.token.subject]
        item = self.add_issue(proj.key, fields["summary"], reporter, issue_type=issue_type)
        item.description, item.labels = fields.get("description"), list(fields.get("labels", []))
        item.assignee = self._account(fields.get("assignee"))
        if isinstance(fields.get("priority"), dict) and fields["priority"].get("id") in PRIORITIES:
            item.priority = fields["priority"]["id"]
        api = self._api(request)
        return JSONResponse({"id": item.id, "key": item.key, "self": f"{api}/rest/api/3/issue/{item.id}"}, 201)

    async def edit_issue(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        data = await request.json()
        fields, update = data.get("fields", {}), data.get("update", {})
        if "status" in fields:
            return errors(400, status="Field 'status' cannot be set. It is not on the appropriate screen, or unknown.")
        if "summary" in fields and not fields["summary"]:
            return errors(400, summary="You must specify a summary of the issue.")
        if fields.get("description") is not None and not is_adf(fields["description"]):
            return errors(
                400, description="Operation value must be an Atlassian Document (see the Atlassian Document Format)."
            )
        item.summary = fields.get("summary", item.summary)
        item.description = fields.get("description", item.description)
        item.labels = list(fields.get("labels", item.labels))
        for op in update.get("labels", []):
            if "add" in op and op["add"] not in item.labels:
                item.labels.append(op["add"])
            if "remove" in op and op["remove"] in item.labels:
                item.labels.remove(op["remove"])
        if "assignee" in fields:
            item.assignee = self._account(fields["assignee"])
        item.updated = stamp()
        return Response(status_code=204)

    async def get_transitions(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        api = self._api(request)
        return JSONResponse({"expand": "transitions", "transitions": [transition(api, s[0]) for s in STATUSES]})

    async def do_transition(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        wanted = str((await request.json()).get("transition", {}).get("id", ""))
        target = next((s for s in STATUSES if s[3] == wanted), None)
        if target is None:
            return errors(400, [f"Transition id '{wanted}' is not valid for this issue."])
        item.status, item.updated = target[0], stamp()
        item.resolutiondate = item.updated if target[2] == "done" else None
        return Response(status_code=204)

    async def get_comments(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        start, size = self._window(request, 5000)
        api = self._api(request)
        comments = [render_comment(api, item, c, self.accounts) for c in item.comments[start : start + size]]
        return JSONResponse({"startAt": start, "maxResults": size, "total": len(item.comments), "comments": comments})

    async def add_comment(self, request: Request) -> Response:
        item = self._find(request)
        if item is None:
            return errors(404, ["Issue does not exist or you do not have permission to see it."])
        body = (await request.json()).get("body")
        if not is_adf(body):
            return errors(400, ["Comment body is not valid!"], comment="Operation value must be an Atlassian Document.")
        now = stamp()
        record = {"id": str(next(self._ids)), "author": request.state.token.subject, "body": body}
        record.update(created=now, updated=now)
        item.comments.append(record)
        item.updated = now
        return JSONResponse(render_comment(self._api(request), item, record, self.accounts), 201)

    # -- OAuth ----------------------------------------------------------------------------------------------------
    def token_endpoint(self) -> TokenEndpoint:
        """Atlassian's token endpoint; refresh tokens (with ``offline_access``) rotate, a spent one answers 403."""
        return TokenEndpoint(
            self,
            access_data={"via": "oauth"},
            refresh_ttl=90 * 86400,
            subject_param="account_id",
            default_scopes=self.scopes,
            refusals=REFUSALS,
            default_subject=lambda: next(iter(self.accounts)),
            answers_refresh=lambda grant: "offline_access" in grant.scopes,
        )

    def refresh_token_for(self, account: Account) -> str:
        return self.issue_token(kind="refresh", subject=account.account_id, scopes=self.scopes, expires_in=90 * 86400)
