"""A fake of the Acme Tasks API (the example's own invented provider) on ``FakeUpstream``.

``GET /v1/tasks?limit=&after=`` answers ``{"tasks": [...], "next": <id> | null}``, ``GET /v1/tasks/{id}`` one task,
``GET /v1/me`` the key's owner; a bad key gets 401 ``{"error": "unauthorized"}``, a rate limit 429 + ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error, rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState


class FakeAcmeTasks(FakeUpstream):
    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[dict[str, Any]] = []

    def add_task(self, title: str, *, done: bool = False, updated_day: int = 1) -> dict[str, Any]:
        task = {
            "id": f"t{len(self.tasks) + 1}",
            "title": title,
            "notes": None,
            "done": done,
            "created": "2026-11-01T10:00:00+00:00",
            "updated": f"2026-11-{updated_day:02d}T10:00:00+00:00",
        }
        self.tasks.append(task)
        return task

    def routes(self) -> list[BaseRoute]:
        return [Route("/v1/tasks", self.list_tasks), Route("/v1/tasks/{id}", self.get_task), Route("/v1/me", self.me)]

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return json_error(401, {"error": "unauthorized"})

    def rate_limit_response(self, request: Request, retry_after: int = 30) -> Response:
        return rate_limited({"error": "slow down"}, retry_after=retry_after)

    async def list_tasks(self, request: Request) -> Response:
        limit, after = int(request.query_params.get("limit", "50")), request.query_params.get("after")
        start = next((i + 1 for i, t in enumerate(self.tasks) if t["id"] == after), 0)
        page = self.tasks[start : start + limit]
        more = start + limit < len(self.tasks)
        return JSONResponse({"tasks": page, "next": page[-1]["id"] if more and page else None})

    async def get_task(self, request: Request) -> Response:
        task = next((t for t in self.tasks if t["id"] == request.path_params["id"]), None)
        return JSONResponse(task) if task else json_error(404, {"error": "not found"})

    async def me(self, request: Request) -> Response:
        return JSONResponse({"id": request.state.token.subject})
