"""Fake GitHub (REST v3 + OAuth token endpoint) with in-memory state, served on 127.0.0.1.

Behaviour follows GitHub's published description and the ``@octokit/fixtures`` recordings: ``Link`` pagination
whose links use the ``/repositories/{id}/issues`` form, ``x-ratelimit-*`` headers on every answer, the recorded
``401``/``404``/``422`` bodies, primary (403, ``x-ratelimit-remaining: 0``) and secondary (403/429 with
``retry-after``) rate limits on demand, and the token endpoint's form-or-JSON answers (errors come with 200).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from github_shapes import DEFAULT_LABELS, Issue, Repo, User, now, private_user, public_user, repository, simple_user
from github_shapes import comment as render_comment
from github_shapes import issue as render_issue
from github_shapes import label as render_label
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Grant, Refusal, TokenEndpoint

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
OAUTH_ERRORS = {
    "bad_verification_code": "The code passed is incorrect or expired.",
    "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
    "bad_refresh_token": "The refresh token passed is incorrect or expired.",
    "redirect_uri_mismatch": "The redirect_uri MUST match the registered callback URL for this application.",
    "unsupported_grant_type": "The grant type is not supported.",
}
OAUTH_ERROR_CODES: dict[Refusal, str] = {
    "invalid_client": "incorrect_client_credentials",
    "invalid_code": "bad_verification_code",
    "redirect_uri_mismatch": "redirect_uri_mismatch",
    "invalid_refresh_token": "bad_refresh_token",
    "unsupported": "unsupported_grant_type",
}
OAUTH_ERROR_DOCS = (
    "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
)


def error(status: int, message: str, docs: str = DOCS, headers: dict[str, str] | None = None) -> JSONResponse:
    """GitHub's error body: ``message``, ``documentation_url`` and (in current answers) ``status``."""
    return json_error(status, {"message": message, "documentation_url": docs, "status": str(status)}, headers)


def validation_failed(resource: str, field: str, code: str, docs: str, **extra: Any) -> JSONResponse:
    """422 as recorded in the fixtures' ``errors`` scenario."""
    errors = [{"resource": resource, "code": code, "field": field, **extra}]
    return json_error(422, {"message": "Validation Failed", "errors": errors, "documentation_url": docs})


class GitHubTokens(TokenEndpoint):
    """Code exchange and (GitHub App user tokens) refresh; errors are answered with 200, as GitHub does.

    Answers are form-encoded unless ``Accept`` asks for JSON. With ``expiring_user_tokens`` access tokens last 8 h
    and come with a rotating 6-month refresh token; otherwise they never expire and there is none.
    """

    token_type = "bearer"
    default_grant_type = "authorization_code"
    redirect_uri_optional = True
    subject_param = "login"
    scope_separators = ", "

    def __init__(self, fake: FakeGitHub) -> None:
        expiring = fake.expiring_user_tokens
        super().__init__(fake, access_ttl=28800 if expiring else None, access_prefix="ghu_" if expiring else "gho_")
        self.issue_refresh, self.refresh_ttl, self.refresh_prefix = expiring, 15811200, "ghr_"
        self.github = fake

    def default_subject(self) -> str:
        return "octocat"

    def check(self, request: Request, grant: Grant) -> Response | None:
        if grant.subject not in self.github.users:
            self.github.add_user(grant.subject)
        return None

    def extra(self, grant: Grant) -> dict[str, Any]:
        expiring = {"refresh_token_expires_in": self.refresh_ttl} if self.issue_refresh else {}
        return {"scope": ",".join(grant.scopes), **expiring}

    def answer(self, request: Request, body: dict[str, Any]) -> Response:
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(body)
        return Response(urlencode(body), media_type="application/x-www-form-urlencoded; charset=utf-8")

    def refuse(self, request: Request, reason: Refusal, params: dict[str, str]) -> Response:
        code = OAUTH_ERROR_CODES[reason]
        uri = f"{OAUTH_ERROR_DOCS}#{code.replace('_', '-')}"
        return self.answer(request, {"error": code, "error_description": OAUTH_ERRORS[code], "error_uri": uri})


class FakeGitHub(FakeUpstream):
    """GitHub with users, repositories, issues (and pull requests), labels, assignees and comments in memory."""

    public_paths = ("/login/oauth/",)
    rate_limit = 5000

    def __init__(self, *, expiring_user_tokens: bool = False, frozen_issues: bool = False) -> None:
        super().__init__()
        self.expiring_user_tokens = expiring_user_tokens  # GitHub App user tokens instead of OAuth-app tokens
        # benchmarks with 100,000 issues that no request changes: each filtered, sorted list is kept, so a page
        # costs its own size instead of the whole repository's
        self.frozen_issues = frozen_issues
        self._listed: dict[tuple[Any, ...], list[Issue]] = {}
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}
        self.rate_used = 0
        self.rate_reset = int(time.time()) + 3600
        self._ids = iter(range(1000, 10**9))

    # -- seeding --------------------------------------------------------------------------------------------------
    def add_user(self, login: str, *, name: str | None = None, org: bool = False) -> User:
        user = User(login, next(self._ids), name=name, email=None if org else f"{login}@example.com")
        user.type = "Organization" if org else "User"
        self.users[login] = user
        return user

    def add_repo(self, owner: str, name: str, *, private: bool = False, collaborators: tuple[str, ...] = ()) -> Repo:
        owner_user = self.users.get(owner) or self.add_user(owner, org=True)
        repo = Repo(next(self._ids), owner_user, name, private=private)
        for label_name, (color, description) in DEFAULT_LABELS.items():
            repo.labels[label_name] = {"id": next(self._ids), "color": color, "description": description}
            repo.labels[label_name]["default"] = True
        repo.collaborators = [c for c in collaborators if c in self.users]
        self.repos[repo.full_name.lower()] = repo
        return repo

    def add_issue(self, repo: Repo, title: str, *, user: str, pull_request: bool = False, **fields: Any) -> Issue:
        item = Issue(len(repo.issues) + 1, next(self._ids), title, user, pull_request=pull_request, **fields)
        for name in item.labels:
            self._ensure_label(repo, name)
        repo.issues.append(item)
        return item

    def token_for(
        self, login: str, *, scopes: tuple[str, ...] = ("repo", "user"), expires_in: float | None = None
    ) -> str:
        """An access token for ``login`` (created on the fly), as if the OAuth dance had happened."""
        prefix = "ghu_" if self.expiring_user_tokens else "gho_"
        return self.issue_token(subject=login, scopes=scopes, expires_in=expires_in, prefix=prefix)

    def _ensure_label(self, repo: Repo, name: str) -> None:
        if name not in repo.labels:  # GitHub creates unknown labels on the fly, grey (recorded: add-labels-to-issue)
            repo.labels[name] = {"id": next(self._ids), "color": "ededed", "description": None, "default": False}

    # -- provider hooks -------------------------------------------------------------------------------------------
    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        if state == "missing":
            return error(401, "Requires authentication")
        return error(401, "Bad credentials")

    def rate_limit_response(self, request: Request) -> Response:
        return self.primary_rate_limit(request)

    def primary_rate_limit(self, request: Request, status: int = 403) -> Response:
        """Primary limit exhausted: 403 (or 429) with ``x-ratelimit-remaining: 0`` and the reset epoch."""
        user = self.users.get(request.state.token.subject)
        who = f"user ID {user.id}" if user else "127.0.0.1"
        headers = self._rate_headers(remaining=0)
        return error(status, f"API rate limit exceeded for {who}.", RATE_DOCS, headers=headers)

    def secondary_rate_limit(self, request: Request, status: int = 403, retry_after: int = 60) -> Response:
        """Secondary (abuse) limit: 403 or 429 with ``retry-after`` seconds."""
        message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        docs = f"{RATE_DOCS}#about-secondary-rate-limits"
        return error(status, message, docs, headers={"retry-after": str(retry_after)})

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        if self.is_public(request.url.path):
            return {}
        self.rate_used += 1
        headers = self._rate_headers(remaining=max(self.rate_limit - self.rate_used, 0))
        token = getattr(request.state, "token", None)
        if token is not None:
            headers["x-oauth-scopes"] = ", ".join(token.scopes)
        headers["x-github-media-type"] = "github.v3; format=json"
        return headers

    def _rate_headers(self, remaining: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.rate_limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(self.rate_reset),
            "x-ratelimit-used": str(self.rate_limit - remaining),
            "x-ratelimit-resource": "core",
        }

    # -- helpers --------------------------------------------------------------------------------------------------
    def _repo(self, request: Request) -> Repo | None:
        p = request.path_params
        if "repository_id" in p:
            return next((r for r in self.repos.values() if r.id == int(p["repository_id"])), None)
        repo = self.repos.get(f"{p['owner']}/{p['repo']}".lower())
        login = request.state.token.subject
        if repo and repo.private and login != repo.owner.login and login not in repo.collaborators:
            return None  # GitHub answers 404 for private resources the token cannot see
        return repo

    def _issue(self, request: Request) -> tuple[Repo, Issue] | None:
        repo = self._repo(request)
        number = request.path_params["number"]
        if repo is None or not 0 < number <= len(repo.issues):
            return None
        return repo, repo.issues[number - 1]

    def _page(
        self,
        request: Request,
        items: list[Any],
        link_path: str | None = None,
        render: Callable[[Any], Any] | None = None,
    ) -> JSONResponse:
        """Slice by ``page``/``per_page`` (default 30, max 100) and add the ``Link`` header GitHub sends; ``render``
        turns each item of the page (only those) into its JSON."""
        q = request.query_params
        try:
            per_page = min(max(int(q.get("per_page", 30)), 1), 100)
            page = max(int(q.get("page", 1)), 1)
        except ValueError:
            return error(400, "Invalid request.")
        last = max((len(items) + per_page - 1) // per_page, 1)
        body = items[(page - 1) * per_page : page * per_page]
        if render is not None:
            body = [render(item) for item in body]
        params = [(k, v) for k, v in q.multi_items() if k != "page"]

        def link(n: int, rel: str) -> str:
            return f'<{self.base_url}{link_path or request.url.path}?{urlencode([*params, ("page", n)])}>; rel="{rel}"'

        links = []
        if page > 1:
            links.append(link(min(page - 1, last), "prev"))
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links.append(link(1, "first"))
        return JSONResponse(body, headers={"link": ", ".join(links)} if links else None)

    def _visible_repos(self, login: str) -> list[Repo]:
        return [r for r in self.repos.values() if login in (r.owner.login, *r.collaborators)]

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        repo, issue = "/repos/{owner}/{repo}", "/repos/{owner}/{repo}/issues/{number:int}"
        return [
            Route("/login/oauth/authorize", self.authorize),
            Route("/login/oauth/access_token", GitHubTokens(self).endpoint, methods=["POST"]),
            Route("/user", self.get_user),
            Route("/user/repos", self.list_user_repos),
            Route("/users/{login}", self.get_public_user),
            Route(repo, self.get_repo),
            Route(f"{repo}/issues", self.list_issues),
            Route(f"{repo}/issues", self.create_issue, methods=["POST"]),
            Route("/repositories/{repository_id:int}/issues", self.list_issues),
            Route(issue, self.get_issue),
            Route(issue, self.update_issue, methods=["PATCH"]),
            Route(f"{issue}/comments", self.list_comments),
            Route(f"{issue}/comments", self.create_comment, methods=["POST"]),
            Route(f"{issue}/labels", self.add_labels, methods=["POST"]),
            Route(f"{issue}/lock", self.lock_issue, methods=["PUT"]),
            Route(f"{repo}/labels", self.list_labels),
            Route(f"{repo}/assignees", self.list_assignees),
        ]

    async def get_user(self, request: Request) -> Response:
        login = request.state.token.subject
        user = self.users.get(login) or self.add_user(login)
        owned = [r for r in self.repos.values() if r.owner.login == login]
        public = sum(1 for r in owned if not r.private)
        return JSONResponse(private_user(self.base_url, user, public, len(owned) - public))

    async def get_public_user(self, request: Request) -> Response:
        user = self.users.get(request.path_params["login"])
        if user is None:
            return error(404, "Not Found", f"{DOCS}/users/users#get-a-user")
        public = sum(1 for r in self.repos.values() if r.owner.login == user.login and not r.private)
        return JSONResponse(public_user(self.base_url, user, public))

    async def list_user_repos(self, request: Request) -> Response:
        repos = sorted(self._visible_repos(request.state.token.subject), key=lambda r: r.full_name.lower())
        visibility = request.query_params.get("visibility", "all")
        if visibility != "all":
            repos = [r for r in repos if r.private == (visibility == "private")]
        return self._page(request, [repository(self.base_url, r) for r in repos])

    async def get_repo(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", f"{DOCS}/repos/repos#get-a-repository")
        return JSONResponse(repository(self.base_url, repo, full=True))

    async def list_issues(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", f"{DOCS}/issues/issues#list-repository-issues")
        q = request.query_params
        key = (repo.id, len(repo.issues), *sorted((k, v) for k, v in q.multi_items() if k != "page"))
        if self.frozen_issues and key in self._listed:
            render = partial(render_issue, self.base_url, repo, users=self.users)
            return self._page(request, self._listed[key], f"/repositories/{repo.id}/issues", render)
        items = list(repo.issues)
        state = q.get("state", "open")
        if state != "all":
            items = [i for i in items if i.state == state]
        if "since" in q:
            try:
                since = datetime.fromisoformat(q["since"].replace("Z", "+00:00"))
            except ValueError:
                return validation_failed("Issue", "since", "invalid", f"{DOCS}/issues/issues#list-repository-issues")
            items = [i for i in items if datetime.fromisoformat(i.updated_at.replace("Z", "+00:00")) >= since]
        if q.get("labels"):
            wanted = {name.strip().lower() for name in q["labels"].split(",")}
            items = [i for i in items if wanted <= {name.lower() for name in i.labels}]
        assignee = q.get("assignee")
        if assignee == "none":
            items = [i for i in items if not i.assignees]
        elif assignee == "*":
            items = [i for i in items if i.assignees]
        elif assignee:
            items = [i for i in items if assignee in i.assignees]
        if q.get("creator"):
            items = [i for i in items if i.user == q["creator"]]
        sort_key: Callable[[Issue], Any] = {
            "updated": lambda i: (i.updated_at, i.number),
            "comments": lambda i: (len(i.comments), i.number),
        }.get(q.get("sort", "created"), lambda i: (i.created_at, i.number))
        items.sort(key=sort_key, reverse=q.get("direction", "desc") != "asc")
        if self.frozen_issues:
            self._listed[key] = items
        render = partial(render_issue, self.base_url, repo, users=self.users)
        return self._page(request, items, f"/repositories/{repo.id}/issues", render)

    async def create_issue(self, request: Request) -> Response:
        repo = self._repo(request)
        docs = f"{DOCS}/issues/issues#create-an-issue"
        if repo is None:
            return error(404, "Not Found", docs)
        data = await request.json()
        title = data.get("title")
        if title is None or str(title) == "":
            return validation_failed("Issue", "title", "missing_field", docs)
        assignees = list(data.get("assignees") or ([data["assignee"]] if data.get("assignee") else []))
        known = {repo.owner.login, *repo.collaborators}
        for login in assignees:
            if login not in known:
                return validation_failed("Issue", "assignees", "invalid", docs, value=login)
        labels = [lbl if isinstance(lbl, str) else lbl["name"] for lbl in data.get("labels") or []]
        item = self.add_issue(repo, str(title), user=request.state.token.subject, body=data.get("body"))
        item.assignees, item.labels = assignees, labels
        for name in labels:
            self._ensure_label(repo, name)
        body = render_issue(self.base_url, repo, item, self.users)
        return JSONResponse(body, 201, headers={"location": body["url"]})

    async def get_issue(self, request: Request) -> Response:
        found = self._issue(request)
        if found is None:
            return error(404, "Not Found", f"{DOCS}/issues/issues#get-an-issue")
        return JSONResponse(render_issue(self.base_url, *found, self.users))

    async def update_issue(self, request: Request) -> Response:
        found = self._issue(request)
        docs = f"{DOCS}/issues/issues#update-an-issue"
        if found is None:
            return error(404, "Not Found", docs)
        repo, item = found
        data = await request.json()
        state, reason = data.get("state"), data.get("state_reason")
        if state not in (None, "open", "closed"):
            return validation_failed("Issue", "state", "invalid", docs)
        if reason not in (None, "completed", "not_planned", "duplicate", "reopened"):
            return validation_failed("Issue", "state_reason", "invalid", docs)
        if "title" in data:
            if not data["title"]:
                return validation_failed("Issue", "title", "missing_field", docs)
            item.title = str(data["title"])
        if "body" in data:
            item.body = data["body"]
        if "labels" in data:
            item.labels = [lbl if isinstance(lbl, str) else lbl["name"] for lbl in data["labels"]]
            for name in item.labels:
                self._ensure_label(repo, name)
        if "assignees" in data:
            item.assignees = [a for a in data["assignees"] if a in {repo.owner.login, *repo.collaborators}]
        if state == "closed" and item.state == "open":
            item.state, item.closed_at, item.closed_by = "closed", now(), request.state.token.subject
            item.state_reason = reason if reason in ("completed", "not_planned", "duplicate") else "completed"
        elif state == "open" and item.state == "closed":
            item.state, item.closed_at, item.closed_by, item.state_reason = "open", None, None, "reopened"
        elif state == "closed" and reason in ("completed", "not_planned", "duplicate"):
            item.state_reason = reason
        item.updated_at = now()
        return JSONResponse(render_issue(self.base_url, repo, item, self.users))

    async def list_comments(self, request: Request) -> Response:
        found = self._issue(request)
        if found is None:
            return error(404, "Not Found", f"{DOCS}/issues/comments#list-issue-comments")
        repo, item = found
        records = item.comments
        if "since" in request.query_params:
            records = [c for c in records if c["updated_at"] >= request.query_params["since"]]
        return self._page(request, [render_comment(self.base_url, repo, item, c, self.users) for c in records])

    async def create_comment(self, request: Request) -> Response:
        found = self._issue(request)
        docs = f"{DOCS}/issues/comments#create-an-issue-comment"
        if found is None:
            return error(404, "Not Found", docs)
        repo, item = found
        data = await request.json()
        if not data.get("body"):
            return validation_failed("IssueComment", "body", "missing_field", docs)
        stamp = now()
        record = {"id": next(self._ids), "user": request.state.token.subject, "body": data["body"]}
        record.update(created_at=stamp, updated_at=stamp)
        item.comments.append(record)
        item.updated_at = stamp
        body = render_comment(self.base_url, repo, item, record, self.users)
        return JSONResponse(body, 201, headers={"location": body["url"]})

    async def add_labels(self, request: Request) -> Response:
        """``POST .../issues/{n}/labels`` ``{"labels": [...]}``: adds them (creating unknown ones); all its labels."""
        found = self._issue(request)
        docs = f"{DOCS}/issues/labels#add-labels-to-an-issue"
        if found is None:
            return error(404, "Not Found", docs)
        repo, item = found
        data = await request.json()
        labels = data.get("labels") if isinstance(data, dict) else data
        if not isinstance(labels, list) or not labels or not all(isinstance(name, str) for name in labels):
            return validation_failed("Label", "labels", "invalid", docs)
        for name in labels:
            self._ensure_label(repo, name)
            if name not in item.labels:
                item.labels.append(name)
        item.updated_at = now()
        return JSONResponse([render_label(self.base_url, repo, name) for name in item.labels])

    async def lock_issue(self, request: Request) -> Response:
        """``PUT .../issues/{n}/lock`` with an optional ``lock_reason``: 204."""
        found = self._issue(request)
        docs = f"{DOCS}/issues/issues#lock-an-issue"
        if found is None:
            return error(404, "Not Found", docs)
        _, item = found
        raw = await request.body()
        reason = (await request.json()).get("lock_reason") if raw.strip() else None
        if reason not in (None, "off-topic", "too heated", "resolved", "spam"):
            return validation_failed("Issue", "lock_reason", "invalid", docs)
        item.lock_reason, item.updated_at = reason or "", now()
        return Response(status_code=204)

    async def list_labels(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", f"{DOCS}/issues/labels#list-labels-for-a-repository")
        return self._page(request, [render_label(self.base_url, repo, name) for name in repo.labels])

    async def list_assignees(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", f"{DOCS}/issues/assignees#list-assignees")
        logins = [repo.owner.login] if repo.owner.type == "User" else []
        users = [simple_user(self.base_url, self.users[login]) for login in [*logins, *repo.collaborators]]
        return self._page(request, users)
