"""Fake Asana (REST API 1.0 under ``/api/1.0`` + OAuth at ``/-/oauth_authorize`` and ``/-/oauth_token``), in memory.

Bodies are wrapped in ``{"data": ...}``; lists answer compact records unless ``opt_fields`` names more, and page by
``limit`` (1-100) and an opaque ``offset`` token bound to its query, answering ``next_page: {offset, path, uri}``
(``null`` on the last page). Errors are ``{"errors": [{"message", "help"}]}``; the rate limit is 429 with
``Retry-After``. OAuth access tokens last an hour; refresh tokens do not rotate (a refresh answers no new one).
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlencode

from asana_shapes import Project, Story, Tag, Task, User, Workspace, World, compact, select, stamp
from fake_asana_attachments import Attachment, attachment_routes
from fake_asana_routes import HELP, api_routes, errors
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from gateway.testing.fake_errors import rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Grant, Refusal, TokenEndpoint

API = "/api/1.0"
REFUSALS: dict[Refusal, tuple[int, str, str | None]] = {
    "invalid_client": (401, "invalid_client", "The client is not authorized or the secret is wrong."),
    "invalid_refresh_token": (400, "invalid_grant", "The refresh token is invalid or has been revoked."),
}


class FakeAsana(FakeUpstream):
    """Asana with workspaces, users, projects, tags, tasks and stories in memory."""

    public_paths = ("/-/",)

    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.attachments: dict[str, Attachment] = {}
        self._gids = itertools.count(1204000000000001)
        self.signed_in: str | None = None  # the user who approves the OAuth authorize step (default: the first)

    # -- seeding --------------------------------------------------------------------------------------------------
    def _gid(self) -> str:
        return str(next(self._gids))

    def add_workspace(self, name: str) -> Workspace:
        item = Workspace(self._gid(), name, email_domains=["example.com"])
        self.world.workspaces[item.gid] = item
        return item

    def add_user(self, name: str, *workspaces: Workspace) -> User:
        email = name.lower().replace(" ", ".") + "@example.com"
        item = User(self._gid(), name, email, [w.gid for w in workspaces])
        self.world.users[item.gid] = item
        return item

    def add_project(self, workspace: Workspace, name: str, owner: User, notes: str = "") -> Project:
        item = Project(self._gid(), name, workspace.gid, owner.gid, notes)
        self.world.projects[item.gid] = item
        return item

    def add_tag(self, workspace: Workspace, name: str) -> Tag:
        item = Tag(self._gid(), name, workspace.gid)
        self.world.tags[item.gid] = item
        return item

    def add_task(self, creator: User, name: str, *projects: Project, **fields: Any) -> Task:
        workspace = fields.pop("workspace", None) or projects[0].workspace
        item = Task(self._gid(), name, workspace, creator.gid, [p.gid for p in projects])
        for key, value in fields.items():
            setattr(item, key, value)
        self.world.tasks[item.gid] = item
        return item

    def add_story(self, task: Task, author: User, text: str, subtype: str = "comment_added", **fields: Any) -> Story:
        item = Story(self._gid(), task.gid, author.gid, text, f"<body>{text}</body>", subtype, **fields)
        self.world.stories[item.gid] = item
        return item

    def add_attachment(self, task: Task, name: str, size: int) -> Attachment:
        item = Attachment(self._gid(), task.gid, name, size)
        self.attachments[item.gid] = item
        return item

    def oauth_token_for(self, user: User, *, expires_in: float | None = 3600) -> str:
        return self.issue_token(subject=user.gid, scopes=["default"], expires_in=expires_in)

    def pat_for(self, user: User) -> str:
        """A personal access token (Asana's form: ``2/<user gid>/<id>:<secret>``)."""
        return self.issue_token(subject=user.gid, value=f"2/{user.gid}/{self._gid()}:{self._gid()[-8:]}abcdef")

    # -- provider hooks -------------------------------------------------------------------------------------------
    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return errors(401, "Not Authorized")

    def rate_limit_response(self, request: Request, retry_after: int = 30) -> Response:
        body = {"errors": [{"message": "You have made too many requests recently. Please, be chill.", "help": HELP}]}
        return rate_limited(body, retry_after=retry_after)

    # -- helpers --------------------------------------------------------------------------------------------------
    @staticmethod
    def _opt_fields(request: Request) -> list[str] | None:
        values = request.query_params.getlist("opt_fields")
        fields = [f.strip() for v in values for f in v.split(",") if f.strip()]
        return fields or None

    def _one(self, request: Request, record: dict[str, Any], status: int = 200) -> JSONResponse:
        fields = self._opt_fields(request)
        return JSONResponse({"data": select(record, fields) if fields else record}, status)

    def _page(self, request: Request, records: list[dict[str, Any]]) -> Response:
        """One page of ``records``: compact unless ``opt_fields``; ``limit``/``offset`` paging with ``next_page``."""
        q = request.query_params
        fields = self._opt_fields(request)
        shown = [select(r, fields) if fields else compact(r) for r in records]
        if "limit" not in q:
            return JSONResponse({"data": shown})
        if not q["limit"].isdigit() or not 1 <= int(q["limit"]) <= 100:
            return errors(400, "limit: Must be between 1 and 100")
        limit, start = int(q["limit"]), 0
        signature = urlencode(sorted((k, v) for k, v in q.multi_items() if k not in ("offset", "limit")))
        if "offset" in q:
            token = self.tokens.get(q["offset"])
            if token is None or token.kind != "page" or token.data.get("query") != signature:
                return errors(400, "offset: Your pagination token is invalid.")
            start = int(token.data["start"])
        next_page = None
        if start + limit < len(shown):
            offset = self.issue_token(kind="page", expires_in=3600, start=start + limit, query=signature)
            path = f"{request.url.path.removeprefix(API)}?limit={limit}&offset={offset}"
            next_page = {"offset": offset, "path": path, "uri": f"{self.base_url}{API}{path}"}
        return JSONResponse({"data": shown[start : start + limit], "next_page": next_page})

    def _me(self, request: Request) -> User:
        return self.world.users[request.state.token.subject]

    def _visible(self, request: Request) -> list[str]:
        return self._me(request).workspaces

    def _task(self, request: Request) -> Task | None:
        return self.world.tasks.get(request.path_params["gid"])

    @staticmethod
    def _missing(kind: str, gid: str) -> JSONResponse:
        return errors(404, f"{kind}: Unknown object: {gid}")

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/-/oauth_authorize", self.authorize),
            Route("/-/oauth_token", self.token_endpoint().endpoint, methods=["POST"]),
            Mount(API, routes=[*api_routes(self), *attachment_routes(self, self.attachments)]),
        ]

    # -- OAuth ----------------------------------------------------------------------------------------------------
    def token_endpoint(self) -> TokenEndpoint:
        """Asana's token endpoint (form-encoded): code exchange and refresh; refresh tokens are not rotated."""
        return TokenEndpoint(
            self,
            rotate_refresh=False,
            token_type="bearer",
            answer_scope=False,
            refusals=REFUSALS,
            code_grant=lambda code: (self.signed_in or next(iter(self.world.users)), ["default"]),
            extra=self._token_user,
        )

    def _token_user(self, grant: Grant) -> dict[str, Any]:
        user = self.world.users[grant.subject]
        return {"data": {"id": int(user.gid), "gid": user.gid, "name": user.name, "email": user.email}}


__all__ = ["API", "FakeAsana", "errors", "stamp"]
