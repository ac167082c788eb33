"""Fake Pipedrive (``/api/v1`` and ``/api/v2`` + OAuth) with in-memory state, served on 127.0.0.1.

Credentials: ``x-api-token`` API tokens or OAuth bearer tokens (``/oauth/authorize``, ``/oauth/token`` with HTTP
Basic client authentication, ``expires_in: 3599``, rotating refresh tokens and ``api_domain`` = this fake's URL).
v2 lists page by ``cursor``/``limit`` (≤ 500; ``additional_data.next_cursor``) and filter by ``updated_since``;
v1 lists by ``start``/``limit`` (``additional_data.pagination``). Answers are ``{success, data, additional_data}``;
errors ``{success: false, error, error_info}``; the rate limit is 429 with ``x-ratelimit-*`` and
``x-daily-ratelimit-token-*`` headers. Persons and organizations merge through v1 (see ``pipedrive_merge``).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from itertools import count
from typing import Any

from pipedrive_merge import merge_objects
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Grant, TokenEndpoint

INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."
V2_KINDS = ("persons", "organizations", "deals", "activities")
V1_KINDS = ("notes", "users", "pipelines", "stages")
V2_FILTERS = ("owner_id", "org_id", "person_id", "deal_id", "status", "pipeline_id", "stage_id", "done")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"success": False, "error": message, "error_info": INFO, "data": None, "additional_data": None}
    return JSONResponse(body, status_code=status, headers=headers)


class PipedriveTokens(TokenEndpoint):
    """``POST /oauth/token``: HTTP Basic client auth; the answer names the company's ``api_domain``."""

    access_ttl = 3599
    token_type = "Bearer"
    default_scopes = ("base", "deals:full", "contacts:full")

    def extra(self, grant: Grant) -> dict[str, Any]:
        return {"api_domain": self.fake.base_url}


class FakePipedrive(FakeUpstream):
    """Pipedrive's CRM objects by kind (``persons``, ``deals``, ``notes`` ...), each a dict of JSON objects."""

    public_paths = ("/oauth/",)

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in (*V2_KINDS, *V1_KINDS)}
        self.ids = count(1)
        self.token_endpoint = PipedriveTokens(self)
        self.basic_client_auth: list[bool] = []

    # -- seeding --------------------------------------------------------------------------------------------------
    def add(self, kind: str, **fields: Any) -> dict[str, Any]:
        item = {"id": next(self.ids), "add_time": now(), "update_time": now(), **fields}
        self.store[kind][item["id"]] = item
        return item

    def add_user(self, name: str, email: str) -> dict[str, Any]:
        return self.add(
            "users",
            name=name,
            email=email,
            active_flag=True,
            created="2024-01-02 03:04:05",
            modified="2024-01-02 03:04:05",
            icon_url=None,
        )

    def api_token(self, user: dict[str, Any]) -> str:
        return self.issue_token(subject=str(user["id"]))

    # -- auth and errors ------------------------------------------------------------------------------------------
    def extract_token(self, request: Request) -> str | None:
        return request.headers.get("x-api-token") or super().extract_token(request)

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return error(401, "unauthorized access")

    def rate_limit_response(self, request: Request, reset: int = 2) -> Response:
        headers = {
            "x-ratelimit-limit": "80",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(reset),
            "x-daily-ratelimit-token-limit": "30000",
            "x-daily-ratelimit-token-remaining": "0",
        }
        return error(429, "Request over limit", headers)

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        return {"x-ratelimit-limit": "80", "x-ratelimit-remaining": "79", "x-ratelimit-reset": "2"}

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/token", self.token, methods=["POST"]),
            Route("/api/v2/{kind}/search", self.search),
            Route("/api/v2/{kind}", self.list_v2, methods=["GET"]),
            Route("/api/v1/{kind}", self.list_v1, methods=["GET"]),
            Route("/api/{version}/{kind}", self.create, methods=["POST"]),
            Route("/api/{version}/{kind}/{id:int}", self.get, methods=["GET"]),
            Route("/api/{version}/{kind}/{id:int}", self.update, methods=["PATCH", "PUT"]),
            Route("/api/{version}/{kind}/{id:int}", self.delete, methods=["DELETE"]),
            Route("/api/v1/{kind}/{id:int}/merge", self.merge, methods=["PUT"]),
        ]

    async def token(self, request: Request) -> Response:
        self.basic_client_auth.append(request.headers.get("authorization", "").lower().startswith("basic "))
        return await self.token_endpoint.endpoint(request)

    def _kind(self, request: Request, versions: tuple[str, ...]) -> dict[int, dict[str, Any]] | None:
        kind = request.path_params["kind"]
        version = request.path_params.get("version", "v2" if kind in V2_KINDS else "v1")
        ok = (kind in V2_KINDS and version == "v2") or (kind in V1_KINDS and version == "v1")
        return self.store[kind] if ok and version in versions else None

    async def list_v2(self, request: Request) -> Response:
        store = self._kind(request, ("v2",))
        if store is None:
            return error(404, "Unknown method .")
        q = request.query_params
        limit = q.get("limit", "100")
        if not limit.isdigit() or not 1 <= int(limit) <= 500:
            return error(400, "Validation failed: limit: Must be a number between 1 and 500")
        items = sorted(store.values(), key=lambda i: i["id"])
        if "updated_since" in q:
            try:
                since = datetime.fromisoformat(q["updated_since"].replace("Z", "+00:00"))
            except ValueError:
                return error(400, "Validation failed: updated_since: Must be a valid RFC3339 date")
            items = [i for i in items if datetime.fromisoformat(i["update_time"].replace("Z", "+00:00")) > since]
        for name in V2_FILTERS:
            if name in q:
                items = [i for i in items if str(i.get(name)).lower() == q[name].lower()]
        start = 0
        if "cursor" in q:
            try:
                start = int(base64.b64decode(q["cursor"]).decode().removeprefix("start:"))
            except ValueError:
                return error(400, "Validation failed: cursor: Invalid cursor")
        page = items[start : start + int(limit)]
        more = start + int(limit) < len(items)
        cursor = base64.b64encode(f"start:{start + int(limit)}".encode()).decode() if more else None
        return JSONResponse({"success": True, "data": page, "additional_data": {"next_cursor": cursor}})

    async def list_v1(self, request: Request) -> Response:
        store = self._kind(request, ("v1",))
        if store is None:
            return error(404, "Unknown method .")
        q = request.query_params
        items = sorted(store.values(), key=lambda i: i["id"])
        for name in ("person_id", "org_id", "deal_id", "user_id", "pipeline_id"):
            if name in q:
                items = [i for i in items if str(i.get(name)) == q[name]]
        if request.path_params["kind"] in ("users", "pipelines", "stages"):
            return JSONResponse({"success": True, "data": items})
        start, limit = int(q.get("start", "0")), min(int(q.get("limit", "100")), 500)
        page = items[start : start + limit]
        more = start + limit < len(items)
        pagination = {"start": start, "limit": limit, "more_items_in_collection": more}
        if more:
            pagination["next_start"] = start + limit
        return JSONResponse({"success": True, "data": page, "additional_data": {"pagination": pagination}})

    async def search(self, request: Request) -> Response:
        store = self.store.get(request.path_params["kind"])
        if store is None:
            return error(404, "Unknown method .")
        term = request.query_params.get("term", "")
        if len(term) < 2:
            return error(400, "Validation failed: term: Must be at least 2 characters long")
        found = [i for i in store.values() if self._has(i, term, request.query_params.get("fields"))]
        items = [
            {"result_score": 1.0, "item": {"id": i["id"], "type": request.path_params["kind"][:-1]}} for i in found
        ]
        return JSONResponse({"success": True, "data": {"items": items}, "additional_data": {"next_cursor": None}})

    @staticmethod
    def _has(item: dict[str, Any], term: str, fields: str | None) -> bool:
        if fields == "email":
            return any(e.get("value", "").lower() == term.lower() for e in item.get("emails") or [])
        return term.lower() in str(item).lower()

    async def get(self, request: Request) -> Response:
        store = self._kind(request, ("v1", "v2"))
        item = store.get(request.path_params["id"]) if store is not None else None
        if item is None:
            return error(404, "Item not found" if store is not None else "Unknown method .")
        return JSONResponse({"success": True, "data": item})

    async def create(self, request: Request) -> Response:
        store = self._kind(request, ("v1", "v2"))
        if store is None:
            return error(404, "Unknown method .")
        body = await request.json()
        kind = request.path_params["kind"]
        required = {
            "persons": "name",
            "organizations": "name",
            "deals": "title",
            "notes": "content",
            "activities": "subject",
        }.get(kind)
        if required and not body.get(required):
            return error(400, f"Validation failed: {required}: Parameter '{required}' is required")
        if kind == "deals":
            body.setdefault("status", "open")
        if kind == "activities":
            body.setdefault("done", False)
        return JSONResponse({"success": True, "data": self.add(kind, **body)}, status_code=201)

    async def update(self, request: Request) -> Response:
        store = self._kind(request, ("v1", "v2"))
        item = store.get(request.path_params["id"]) if store is not None else None
        if item is None:
            return error(404, "Item not found")
        body = await request.json()
        if "status" in body and body["status"] not in ("open", "won", "lost"):
            return error(400, "Validation failed: status: Must be one of open, won, lost")
        item.update(body, update_time=now())
        return JSONResponse({"success": True, "data": item})

    async def merge(self, request: Request) -> Response:
        return await merge_objects(self, request)

    async def delete(self, request: Request) -> Response:
        store = self._kind(request, ("v1", "v2"))
        if store is None or store.pop(request.path_params["id"], None) is None:
            return error(404, "Item not found")
        return JSONResponse({"success": True, "data": {"id": request.path_params["id"]}})
