"""Fake GitLab (REST v4 under ``/api/v4`` + OAuth 2.0 at ``/oauth``) with in-memory state, served on 127.0.0.1.

As GitLab documents: lists page by ``page``/``per_page`` (≤ 100, default 20) with ``Link`` and ``X-*`` headers, or
by keyset (``pagination=keyset&order_by=id``, ``Link`` only) on ``/projects`` and ``/users``; projects are named by
id or URL-encoded path (an unencoded ``/`` is a 404); access tokens last 2 h and refresh tokens rotate; personal
access tokens go in ``PRIVATE-TOKEN`` (or as Bearer); rate limits answer 429 ``Retry later`` with ``RateLimit-*`` and
``Retry-After`` headers, or (as GitLab's tracker reports) with none of them.
"""

from __future__ import annotations

import itertools
import time
from datetime import date, datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlencode

import gitlab_shapes as shapes
from gitlab_shapes import Account, Issue, Label, Milestone, Note, Project, stamp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Refusal, TokenEndpoint

ISSUE_TYPES = ("issue", "incident", "test_case", "task")
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection "
    "URI used in the authorization request, or was issued to another client."
)
REFUSALS: dict[Refusal, tuple[int, str, str | None]] = {
    "invalid_client": (
        401,
        "invalid_client",
        "Client authentication failed due to unknown client, "
        "no client authentication included, or unsupported authentication method.",
    ),
    "invalid_code": (400, "invalid_grant", INVALID_GRANT),
    "invalid_refresh_token": (400, "invalid_grant", INVALID_GRANT),
    "unsupported": (
        400,
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server.",
    ),
}


def message(status: int, text: Any) -> JSONResponse:
    return JSONResponse({"message": text}, status)


def bad_param(text: str) -> JSONResponse:
    """Grape's parameter errors: ``{"error": "title is missing"}``."""
    return JSONResponse({"error": text}, 400)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeGitLab(FakeUpstream):
    """GitLab with users, projects (labels, milestones, members), issues and notes in memory."""

    public_paths = ("/oauth/",)
    scopes = ("api", "read_user")

    def __init__(self, web_url: str | None = None) -> None:
        super().__init__()
        self.users: dict[int, Account] = {}
        self.projects: list[Project] = []
        self._ids = itertools.count(1001)
        self._web = web_url

    # -- seeding --------------------------------------------------------------------------------------------------
    def add_user(self, username: str, name: str | None = None, state: str = "active") -> Account:
        account = Account(next(self._ids), username, name or username.title(), f"{username}@example.com", state)
        self.users[account.id] = account
        return account

    def add_project(self, path: str, *members: Account, description: str = "") -> Project:
        namespace, _, name = path.rpartition("/")
        item = Project(next(self._ids), namespace, name, name.title(), description, [m.id for m in members])
        item.labels = [Label(next(self._ids), n) for n in ("bug", "feature", "documentation")]
        self.projects.append(item)
        return item

    def add_milestone(self, proj: Project, title: str) -> Milestone:
        item = Milestone(next(self._ids), len(proj.milestones) + 1, proj.id, title)
        proj.milestones.append(item)
        return item

    def add_issue(self, proj: Project, title: str, author: Account, **fields: Any) -> Issue:
        item = Issue(next(self._ids), len(proj.issues) + 1, proj.id, title, author.id)
        for name, value in fields.items():
            setattr(item, name, value)
        proj.issues.append(item)
        return item

    def add_note(self, item: Issue, body: str, author: Account, **fields: Any) -> Note:
        note = Note(next(self._ids), author.id, body, **fields)
        item.notes.append(note)
        return note

    def oauth_token_for(self, account: Account, *, expires_in: float = 7200) -> str:
        return self.issue_token(subject=str(account.id), scopes=self.scopes, expires_in=expires_in, via="oauth")

    def pat_for(self, account: Account) -> str:
        return self.issue_token(subject=str(account.id), scopes=("api",), via="pat", prefix="glpat-")

    # -- provider hooks -------------------------------------------------------------------------------------------
    def extract_token(self, request: Request) -> str | None:
        private = request.headers.get("private-token")
        if private:
            token = self.tokens.get(private)
            return private if token is None or token.data.get("via") == "pat" else None  # OAuth needs Bearer
        return super().extract_token(request)

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        if state == "expired":
            text = "Token is expired. You can either do re-authorization or token refresh."
            challenge = f'Bearer realm="Protected by OAuth 2", error="invalid_token", error_description="{text}"'
            return JSONResponse(
                {"error": "invalid_token", "error_description": text}, 401, headers={"www-authenticate": challenge}
            )
        return message(401, "401 Unauthorized")

    def rate_limit_response(self, request: Request, retry_after: int = 60, headers: bool = True) -> Response:
        """Rack::Attack's throttle answer; ``headers=False`` is the bare 429 GitLab sometimes sends."""
        if not headers:
            return rate_limited(text="Retry later\n", retry_after=None)
        reset = int(time.time()) + retry_after
        limits = {
            "ratelimit-name": "throttle_authenticated_api",
            "ratelimit-limit": "2000",
            "ratelimit-observed": "2001",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
            "ratelimit-resettime": formatdate(reset, usegmt=True),
        }
        return rate_limited(text="Retry later\n", retry_after=retry_after, headers=limits)

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        if not self.route_path(request).startswith("/api/v4") or status == 429:
            return {}
        observed = len(self.requests) % 1000 + 1
        return {
            "ratelimit-limit": "2000",
            "ratelimit-observed": str(observed),
            "ratelimit-remaining": str(2000 - observed),
        }

    # -- helpers --------------------------------------------------------------------------------------------------
    def web(self) -> str:
        return self._web or self.base_url

    def api(self) -> str:
        return f"{self.base_url}/api/v4"

    def me(self, request: Request) -> Account:
        return self.users[int(request.state.token.subject)]

    def _project(self, request: Request) -> Project | None:
        """The project named by id or by URL-encoded path (a raw ``/`` in the path is not found, as on GitLab)."""
        ref = request.path_params["project"]
        raw = request.scope.get("raw_path", b"").decode()
        for item in self.projects:
            if ref == str(item.id) or (ref == item.full_path and f"/projects/{shapes.encoded(ref)}" in raw):
                return item
        return None

    def _issue(self, request: Request) -> tuple[Project, Issue] | Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        found = next((i for i in proj.issues if str(i.iid) == request.path_params["iid"]), None)
        return (proj, found) if found else message(404, "404 Not found")

    def _render_issue(self, item: Issue) -> dict[str, Any]:
        proj = next(p for p in self.projects if p.id == item.project_id)
        return shapes.issue(self.web(), self.api(), item, proj, self.users)

    def _link(self, request: Request, **changes: str | None) -> str:
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        params.update({k: v for k, v in changes.items() if v is not None})
        raw = self.route_path(request, raw=True)
        return f"{self.base_url}{raw}?{urlencode(params)}"

    def offset_page(self, request: Request, items: list[Any]) -> Response:
        """``page``/``per_page`` paging with GitLab's ``Link`` and ``X-*`` headers."""
        q = request.query_params
        size = min(max(int(q.get("per_page", 20)), 1), 100)
        page = max(int(q.get("page", 1)), 1)
        pages = max((len(items) + size - 1) // size, 1)
        headers = {
            "x-page": str(page),
            "x-per-page": str(size),
            "x-total": str(len(items)),
            "x-total-pages": str(pages),
            "x-next-page": str(page + 1) if page < pages else "",
            "x-prev-page": str(page - 1) if page > 1 else "",
        }
        rels = {
            "prev": page - 1 if page > 1 else None,
            "next": page + 1 if page < pages else None,
            "first": 1,
            "last": pages,
        }
        headers["link"] = ", ".join(
            f'<{self._link(request, page=str(n), per_page=str(size))}>; rel="{rel}"'
            for rel, n in rels.items()
            if n is not None
        )
        return JSONResponse(items[(page - 1) * size : page * size], headers=headers)

    def keyset_page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """Keyset paging by id (``id_after``/``id_before``): only a ``Link`` ``rel="next"`` header while more remain."""
        q = request.query_params
        if q.get("order_by", "id") != "id":
            return bad_param("Keyset pagination is not yet available for this type of request")
        size = min(max(int(q.get("per_page", 20)), 1), 100)
        ascending = q.get("sort", "asc") == "asc"
        ordered = sorted(items, key=lambda i: int(i["id"]), reverse=not ascending)
        if "id_after" in q:
            ordered = [i for i in ordered if i["id"] > int(q["id_after"])]
        if "id_before" in q:
            ordered = [i for i in ordered if i["id"] < int(q["id_before"])]
        chunk, more = ordered[:size], len(ordered) > size
        headers = {}
        if more:
            key = "id_after" if ascending else "id_before"
            headers["link"] = f'<{self._link(request, **{key: str(chunk[-1]["id"])})}>; rel="next"'
        return JSONResponse(chunk, headers=headers)

    def token_endpoint(self) -> TokenEndpoint:
        """GitLab's token endpoint: 2 h access tokens with ``created_at``; each refresh spends the refresh token."""
        return TokenEndpoint(
            self,
            access_ttl=7200,
            access_data={"via": "oauth"},
            default_scopes=self.scopes,
            refusals=REFUSALS,
            default_subject=lambda: str(next(iter(self.users))),
            extra=lambda grant: {"created_at": int(time.time())},
        )

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        p = "/api/v4/projects/{project:path}"
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/token", self.token_endpoint().endpoint, methods=["POST"]),
            Route("/api/v4/user", self.current_user),
            Route("/api/v4/users", self.list_users),
            Route("/api/v4/users/{id:int}", self.get_user),
            Route("/api/v4/issues", self.all_issues),
            Route("/api/v4/projects", self.list_projects),
            Route(p + "/issues/{iid}/notes", self.list_notes),
            Route(p + "/issues/{iid}/notes", self.create_note, methods=["POST"]),
            Route(p + "/issues/{iid}", self.get_issue),
            Route(p + "/issues/{iid}", self.edit_issue, methods=["PUT"]),
            Route(p + "/issues", self.project_issues),
            Route(p + "/issues", self.create_issue, methods=["POST"]),
            Route(p + "/labels", self.list_labels),
            Route(p + "/milestones/{mid:int}", self.get_milestone),
            Route(p + "/milestones", self.list_milestones),
            Route(p + "/members/all", self.list_members),
            Route(p, self.get_project),
        ]

    async def current_user(self, request: Request) -> Response:
        return JSONResponse(shapes.current_user(self.web(), self.me(request)))

    async def list_users(self, request: Request) -> Response:
        q = request.query_params
        found = [u for u in self.users.values() if q.get("active") != "true" or u.state == "active"]
        if "username" in q:
            found = [u for u in found if u.username.lower() == q["username"].lower()]
        rendered = [shapes.user(self.web(), u) for u in found]
        return (
            self.keyset_page(request, rendered)
            if q.get("pagination") == "keyset"
            else self.offset_page(request, rendered)
        )

    async def get_user(self, request: Request) -> Response:
        account = self.users.get(request.path_params["id"])
        return JSONResponse(shapes.user(self.web(), account)) if account else message(404, "404 User Not Found")

    def _visible(self, request: Request) -> list[Project]:
        me = self.me(request).id
        return [p for p in self.projects if me in p.members]

    async def list_projects(self, request: Request) -> Response:
        q = request.query_params
        found = self._visible(request)
        if "updated_after" in q:
            if q.get("order_by") != "updated_at":
                return bad_param("updated_after requires order_by to be updated_at")
            after = parse_time(q["updated_after"])
            found = [p for p in found if parse_time(p.updated_at) > after]
        rendered = [
            shapes.project(self.web(), self.api(), p, sum(i.state == "opened" for i in p.issues)) for p in found
        ]
        if q.get("pagination") == "keyset":
            return self.keyset_page(request, rendered)
        key = q.get("order_by", "created_at")
        rendered.sort(key=lambda r: (r.get(key) or "", r["id"]), reverse=q.get("sort", "desc") == "desc")
        return self.offset_page(request, rendered)

    async def get_project(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None or self.me(request).id not in proj.members:
            return message(404, "404 Project Not Found")
        opened = sum(i.state == "opened" for i in proj.issues)
        return JSONResponse(shapes.project(self.web(), self.api(), proj, opened))

    def _filter_issues(self, request: Request, issues: list[Issue]) -> list[Issue] | Response:
        q = request.query_params
        state = q.get("state", "all")
        if state not in ("opened", "closed", "all"):
            return bad_param("state does not have a valid value")
        found = [i for i in issues if state == "all" or i.state == state]
        if "updated_after" in q:
            try:
                after = parse_time(q["updated_after"])
            except ValueError:
                return bad_param("updated_after is invalid")
            found = [i for i in found if parse_time(i.updated_at) >= after]
        if "assignee_id" in q:
            value = q["assignee_id"]
            if value.lower() == "none":
                found = [i for i in found if not i.assignees]
            elif value.isdigit():
                found = [i for i in found if int(value) in i.assignees]
            else:
                return bad_param("assignee_id is invalid")
        key = q.get("order_by", "created_at")
        if key not in ("created_at", "updated_at"):
            return bad_param("order_by does not have a valid value")
        found.sort(key=lambda i: (getattr(i, key), i.id), reverse=q.get("sort", "desc") == "desc")
        return found

    async def all_issues(self, request: Request) -> Response:
        me = self.me(request).id
        scope = request.query_params.get("scope", "created_by_me")
        pool = [i for p in self._visible(request) for i in p.issues]
        if scope == "created_by_me":
            pool = [i for i in pool if i.author == me]
        elif scope == "assigned_to_me":
            pool = [i for i in pool if me in i.assignees]
        found = self._filter_issues(request, pool)
        if isinstance(found, Response):
            return found
        return self.offset_page(request, [self._render_issue(i) for i in found])

    async def project_issues(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        found = self._filter_issues(request, proj.issues)
        if isinstance(found, Response):
            return found
        return self.offset_page(request, [self._render_issue(i) for i in found])

    async def get_issue(self, request: Request) -> Response:
        found = self._issue(request)
        return found if isinstance(found, Response) else JSONResponse(self._render_issue(found[1]))

    def _apply(self, proj: Project, item: Issue, data: dict[str, Any], actor: Account) -> Response | None:
        """Set the issue parameters GitLab documents for create and edit; an error answer or None."""
        if "title" in data:
            if not str(data["title"] or "").strip():
                return message(400, {"title": ["can't be blank"]})
            if len(str(data["title"])) > 255:
                return message(400, {"title": ["is too long (maximum is 255 characters)"]})
            item.title = str(data["title"])
        if "description" in data:
            item.description = data["description"]
        if "labels" in data:
            raw = data["labels"]
            names = raw if isinstance(raw, list) else [n.strip() for n in str(raw or "").split(",") if n.strip()]
            for name in names:
                if all(lab.name != name for lab in proj.labels):
                    proj.labels.append(Label(next(self._ids), name))  # GitLab creates unknown labels
            item.labels = list(dict.fromkeys(names))
        if "assignee_ids" in data:
            ids = data["assignee_ids"] if isinstance(data["assignee_ids"], list) else [data["assignee_ids"]]
            item.assignees = [int(i) for i in ids if int(i) in proj.members]  # non-members are dropped
        if "milestone_id" in data:
            wanted = int(data["milestone_id"] or 0)
            if wanted and all(m.id != wanted for m in proj.milestones):
                return message(404, "404 Milestone Not Found")
            item.milestone = wanted or None
        if "due_date" in data:
            try:
                item.due_date = date.fromisoformat(data["due_date"]).isoformat() if data["due_date"] else None
            except (TypeError, ValueError):
                return bad_param("due_date is invalid")
        if "issue_type" in data:
            if data["issue_type"] not in ISSUE_TYPES:
                return bad_param("issue_type does not have a valid value")
            item.issue_type = data["issue_type"]
        event = data.get("state_event")
        if event not in (None, "close", "reopen"):
            return bad_param("state_event does not have a valid value")
        if event == "close" and item.state == "opened":
            item.state, item.closed_at, item.closed_by = "closed", stamp(), actor.id
        elif event == "reopen" and item.state == "closed":
            item.state, item.closed_at, item.closed_by = "opened", None, None
        item.updated_at = stamp()
        return None

    async def create_issue(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        data = (
            await self.read_params(request)
            if "json" not in request.headers.get("content-type", "")
            else (await request.json())
        )
        if "title" not in data:
            return bad_param("title is missing")
        actor = self.me(request)
        item = Issue(next(self._ids), len(proj.issues) + 1, proj.id, "", actor.id)
        failed = self._apply(proj, item, {k: v for k, v in data.items() if k != "state_event"}, actor)
        if failed is not None:
            return failed
        proj.issues.append(item)
        return JSONResponse(self._render_issue(item), 201)

    async def edit_issue(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        failed = self._apply(*found, await request.json(), self.me(request))
        return failed or JSONResponse(self._render_issue(found[1]))

    async def list_notes(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        q = request.query_params
        key = q.get("order_by", "created_at")
        notes = sorted(found[1].notes, key=lambda n: (getattr(n, key), n.id), reverse=q.get("sort", "desc") == "desc")
        return self.offset_page(request, [shapes.note(self.web(), n, found[1], self.users) for n in notes])

    async def create_note(self, request: Request) -> Response:
        found = self._issue(request)
        if isinstance(found, Response):
            return found
        data = await request.json()
        if not str(data.get("body") or "").strip():
            return bad_param("body is missing")
        internal = bool(data.get("internal") or data.get("confidential"))
        note = self.add_note(found[1], str(data["body"]), self.me(request), internal=internal)
        found[1].updated_at = note.created_at
        return JSONResponse(shapes.note(self.web(), note, found[1], self.users), 201)

    async def list_labels(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        return self.offset_page(request, [shapes.label(lab, proj.issues) for lab in proj.labels])

    async def list_milestones(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        return self.offset_page(request, [shapes.milestone(self.web(), m, proj.full_path) for m in proj.milestones])

    async def get_milestone(self, request: Request) -> Response:
        proj = self._project(request)
        found = next((m for m in proj.milestones if m.id == request.path_params["mid"]), None) if proj else None
        if proj is None or found is None:
            return message(404, "404 Milestone Not Found")
        return JSONResponse(shapes.milestone(self.web(), found, proj.full_path))

    async def list_members(self, request: Request) -> Response:
        proj = self._project(request)
        if proj is None:
            return message(404, "404 Project Not Found")
        rendered = [shapes.member(self.web(), self.users[m], proj.created_at) for m in proj.members]
        return self.offset_page(request, rendered)
