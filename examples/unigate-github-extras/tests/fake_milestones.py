"""The GitHub fake with milestones (REST ``/repos/{owner}/{repo}/milestones``), as GitHub's API describes them.

List (``state`` open by default, closed or all; ``per_page``/``page`` with ``Link``), get, create (201; 422
``missing_field`` without a title, ``already_exists`` for a title the repository has), update (422 ``invalid``
for a state other than open or closed) and delete (204); 404 ``Not Found`` for a milestone the repository lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_github import DOCS, FakeGitHub, error, validation_failed
from github_shapes import WEB, Repo, node_id, now, simple_user
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

MILESTONE_DOCS = f"{DOCS}/issues/milestones"


@dataclass
class FakeMilestone:
    number: int
    id: int
    title: str
    creator: str
    description: str | None = None
    state: str = "open"
    due_on: str | None = None
    open_issues: int = 0
    closed_issues: int = 0
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None


class FakeGitHubMilestones(FakeGitHub):
    def __init__(self) -> None:
        super().__init__()
        self.milestones: dict[str, list[FakeMilestone]] = {}  # repository full name -> its milestones
        self.milestone_numbers: dict[str, int] = {}  # the last number given per repository (never reused)

    def add_milestone(self, repo: Repo, title: str, *, creator: str, **fields: Any) -> FakeMilestone:
        listed = self.milestones.setdefault(repo.full_name, [])
        number = self.milestone_numbers[repo.full_name] = self.milestone_numbers.get(repo.full_name, 0) + 1
        stamp = now()
        milestone = FakeMilestone(number, next(self._ids), title, creator, created_at=stamp, updated_at=stamp)
        for name, value in fields.items():
            setattr(milestone, name, value)
        listed.append(milestone)
        return milestone

    def render(self, repo: Repo, m: FakeMilestone) -> dict[str, Any]:
        url = f"{self.base_url}/repos/{repo.full_name}/milestones/{m.number}"
        return {
            "url": url,
            "html_url": f"{WEB}/{repo.full_name}/milestone/{m.number}",
            "labels_url": f"{url}/labels",
            "id": m.id,
            "node_id": node_id("Milestone", m.id),
            "number": m.number,
            "state": m.state,
            "title": m.title,
            "description": m.description,
            "creator": simple_user(self.base_url, self.users[m.creator]),
            "open_issues": m.open_issues,
            "closed_issues": m.closed_issues,
            "created_at": m.created_at,
            "updated_at": m.updated_at,
            "closed_at": m.closed_at,
            "due_on": m.due_on,
        }

    def _milestone(self, request: Request) -> tuple[Repo, FakeMilestone] | None:
        repo = self._repo(request)
        number = request.path_params["number"]
        listed = self.milestones.get(repo.full_name, []) if repo else []
        found = next((m for m in listed if m.number == number), None)
        return (repo, found) if repo is not None and found is not None else None

    def routes(self) -> list[BaseRoute]:
        base, one = "/repos/{owner}/{repo}/milestones", "/repos/{owner}/{repo}/milestones/{number:int}"
        return [
            Route(base, self.list_milestones),
            Route(base, self.create_milestone, methods=["POST"]),
            Route(one, self.get_milestone),
            Route(one, self.update_milestone, methods=["PATCH"]),
            Route(one, self.delete_milestone, methods=["DELETE"]),
            *super().routes(),
        ]

    async def list_milestones(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", MILESTONE_DOCS)
        state = request.query_params.get("state", "open")
        listed = [m for m in self.milestones.get(repo.full_name, []) if state == "all" or m.state == state]
        return self._page(request, [self.render(repo, m) for m in listed])

    async def get_milestone(self, request: Request) -> Response:
        found = self._milestone(request)
        return JSONResponse(self.render(*found)) if found else error(404, "Not Found", MILESTONE_DOCS)

    async def create_milestone(self, request: Request) -> Response:
        repo = self._repo(request)
        if repo is None:
            return error(404, "Not Found", MILESTONE_DOCS)
        data = await request.json()
        if not data.get("title"):
            return validation_failed("Milestone", "title", "missing_field", MILESTONE_DOCS)
        if any(m.title == data["title"] for m in self.milestones.get(repo.full_name, [])):
            return validation_failed("Milestone", "title", "already_exists", MILESTONE_DOCS)
        fields = {k: data[k] for k in ("description", "due_on") if k in data}
        milestone = self.add_milestone(repo, data["title"], creator=request.state.token.subject, **fields)
        return JSONResponse(self.render(repo, milestone), status_code=201)

    async def update_milestone(self, request: Request) -> Response:
        found = self._milestone(request)
        if found is None:
            return error(404, "Not Found", MILESTONE_DOCS)
        repo, milestone = found
        data = await request.json()
        if data.get("state") not in (None, "open", "closed"):
            return validation_failed("Milestone", "state", "invalid", MILESTONE_DOCS)
        for name in ("title", "description", "due_on"):
            if name in data:
                setattr(milestone, name, data[name])
        if data.get("state") and data["state"] != milestone.state:
            milestone.state = data["state"]
            milestone.closed_at = now() if milestone.state == "closed" else None
        milestone.updated_at = now()
        return JSONResponse(self.render(repo, milestone))

    async def delete_milestone(self, request: Request) -> Response:
        found = self._milestone(request)
        if found is None:
            return error(404, "Not Found", MILESTONE_DOCS)
        repo, milestone = found
        self.milestones[repo.full_name].remove(milestone)
        return Response(status_code=204)
