"""Fake Attio (REST API v2 + OAuth) with in-memory state, served on 127.0.0.1.

Credentials: bearer workspace access tokens or OAuth tokens (``/authorize``, ``/oauth/token``: the code grant
only, client credentials in the body, an answer of ``access_token`` and ``token_type`` alone: Attio's tokens do
not expire and there is no refresh token). Records are queried by ``POST /v2/objects/{object}/records/query``
(filter, sorts, ``limit`` ≤ 500 / ``offset`` in the body); notes (``limit`` ≤ 50) and tasks page by ``limit``
and ``offset`` query parameters. Errors are ``{status_code, type, code, message}``; the rate limit is 429 with
``Retry-After`` as an HTTP date.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import count
from typing import Any

from fake_attio_records import SCHEMA, WORKSPACE, Refused, Workspace, matches, object_id, stamp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Grant, TokenEndpoint

TYPES = {400: "invalid_request_error", 401: "auth_error", 404: "invalid_request_error", 429: "rate_limit_error"}


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"status_code": status, "type": TYPES.get(status, "invalid_request_error"), "code": code, "message": message}
    return JSONResponse(body, status_code=status, headers=headers)


class AttioTokens(TokenEndpoint):
    """``POST /oauth/token``: the code grant; tokens never expire, no refresh token, no scope in the answer."""

    access_ttl = None
    issue_refresh = False
    answer_scope = False
    token_type = "Bearer"

    def extra(self, grant: Grant) -> dict[str, Any]:
        return {}


def _page(q: Any, cap: int, default: int) -> tuple[int, int]:
    limit, offset = q.get("limit", default), q.get("offset", 0)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= cap:
        raise Refused(400, "validation_type", f"Body payload validation error: limit must be between 1 and {cap}.")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise Refused(400, "validation_type", "Body payload validation error: offset must be 0 or more.")
    return limit, offset


def _query_ints(request: Request, cap: int, default: int) -> tuple[int, int]:
    q = request.query_params
    try:
        given = {k: int(q[k]) for k in ("limit", "offset") if k in q}
    except ValueError:
        raise Refused(400, "validation_type", "Query validation error: limit and offset are numbers.") from None
    return _page(given, cap, default)


class FakeAttio(FakeUpstream):
    """An Attio workspace: people, companies and deals records, notes, tasks, members and the deal stages."""

    public_paths = ("/authorize", "/oauth/")

    def __init__(self) -> None:
        super().__init__()
        self.workspace = Workspace()
        self.notes: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.order = count()
        self.token_endpoint = AttioTokens(self)
        self.rate_limit_wait = 2

    # -- seeding --------------------------------------------------------------------------------------------------
    @property
    def records(self) -> dict[str, dict[str, dict[str, Any]]]:
        return self.workspace.records

    def add_member(self, first: str, last: str, email: str, access: str = "admin") -> dict[str, Any]:
        ident = str(uuid.uuid4())
        member = {
            "id": {"workspace_id": WORKSPACE, "workspace_member_id": ident},
            "first_name": first,
            "last_name": last,
            "avatar_url": None,
            "email_address": email,
            "created_at": stamp(),
            "access_level": access,
        }
        self.workspace.members[ident] = member
        return member

    def add_status(self, title: str, celebrate: bool = False, archived: bool = False) -> dict[str, Any]:
        status = {
            "id": {
                "workspace_id": WORKSPACE,
                "object_id": object_id("deals"),
                "attribute_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "deals.stage")),
                "status_id": str(uuid.uuid4()),
            },
            "title": title,
            "is_archived": archived,
            "celebration_enabled": celebrate,
            "target_time_in_status": None,
        }
        self.workspace.statuses.append(status)
        return status

    def add_record(self, obj: str, actor: dict[str, Any] | None = None, **values: Any) -> dict[str, Any]:
        """A new record of ``obj`` with ``values`` written as the API takes them; Refused like the API."""
        ident = str(uuid.uuid4())
        record = {
            "id": {"workspace_id": WORKSPACE, "object_id": object_id(obj), "record_id": ident},
            "created_at": stamp(),
            "web_url": f"https://app.attio.com/acme/{obj}/{ident}",
            "values": {},
            "_order": next(self.order),
        }
        self.workspace.write(obj, record, values, "put", actor or {"type": "system", "id": None})
        self.workspace.missing_required(obj, record)
        self.records[obj][ident] = record
        return record

    def add_note(self, parent_object: str, parent_record_id: str, title: str, content: str) -> dict[str, Any]:
        ident = str(uuid.uuid4())
        author = next(iter(self.workspace.members), None)
        note = {
            "id": {"workspace_id": WORKSPACE, "note_id": ident},
            "parent_object": parent_object,
            "parent_record_id": parent_record_id,
            "title": title,
            "meeting_id": None,
            "content_plaintext": content,
            "content_markdown": content,
            "tags": [],
            "created_by_actor": {"type": "workspace-member", "id": author},
            "created_at": stamp(),
            "_order": next(self.order),
        }
        self.notes[ident] = note
        return note

    def add_task(self, content: str, **fields: Any) -> dict[str, Any]:
        ident = str(uuid.uuid4())
        done = bool(fields.get("is_completed"))
        task = {
            "id": {"workspace_id": WORKSPACE, "task_id": ident},
            "content_plaintext": content,
            "deadline_at": fields.get("deadline_at"),
            "is_completed": done,
            "completed_at": stamp() if done else None,
            "linked_records": [self._link(link) for link in fields.get("linked_records", [])],
            "assignees": [self._assignee(a) for a in fields.get("assignees", [])],
            "created_by_actor": {"type": "api-token", "id": str(uuid.uuid4())},
            "created_at": stamp(),
            "_order": next(self.order),
        }
        self.tasks[ident] = task
        return task

    def _link(self, link: dict[str, Any]) -> dict[str, str]:
        obj = str(link.get("target_object"))
        if obj not in SCHEMA or link.get("target_record_id") not in self.records[obj]:
            raise Refused(404, "not_found", f'Linked record "{link.get("target_record_id")}" was not found.')
        return {"target_object_id": object_id(obj), "target_record_id": str(link["target_record_id"])}

    def _assignee(self, given: dict[str, Any]) -> dict[str, str]:
        member = given.get("referenced_actor_id") or given.get("workspace_member_email_address")
        found = self.workspace.members.get(str(member)) or next(
            (m for m in self.workspace.members.values() if m["email_address"] == member), None
        )
        if found is None:
            raise Refused(400, "value_not_found", f'Workspace member "{member}" was not found.')
        return {"referenced_actor_type": "workspace-member", "referenced_actor_id": found["id"]["workspace_member_id"]}

    # -- auth and errors ------------------------------------------------------------------------------------------
    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return error(401, "unauthorized", "Authentication failed: the access token is missing, invalid or revoked.")

    def rate_limit_response(self, request: Request, wait: int | None = None) -> Response:
        """429 with ``Retry-After`` as the HTTP date the limit resets at (``wait`` seconds from now)."""
        at = datetime.now(UTC) + timedelta(seconds=self.rate_limit_wait if wait is None else wait)
        headers = {"retry-after": format_datetime(at, usegmt=True)}
        return error(429, "rate_limit_exceeded", "Rate limit exceeded, please try again later", headers)

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        records = "/v2/objects/{object}/records"
        handlers = [
            ("/authorize", self.authorize, ["GET"]),
            ("/oauth/token", self.token_endpoint.endpoint, ["POST"]),
            ("/v2/self", self.whoami, ["GET"]),
            ("/v2/objects", self.objects, ["GET"]),
            ("/v2/objects/{object}/attributes/{attribute}/statuses", self.statuses, ["GET"]),
            (f"{records}/query", self.query, ["POST"]),
            (records, self.create, ["POST"]),
            (records, self.assert_record, ["PUT"]),
            (records + "/{id}", self.get, ["GET"]),
            (records + "/{id}", self.update, ["PUT", "PATCH"]),
            (records + "/{id}", self.delete, ["DELETE"]),
            ("/v2/notes", self.list_notes, ["GET"]),
            ("/v2/notes", self.create_note, ["POST"]),
            ("/v2/notes/{id}", self.one_note, ["GET", "DELETE"]),
            ("/v2/tasks", self.list_tasks, ["GET"]),
            ("/v2/tasks", self.create_task, ["POST"]),
            ("/v2/tasks/{id}", self.one_task, ["GET", "PATCH", "DELETE"]),
            ("/v2/workspace_members", self.members, ["GET"]),
            ("/v2/workspace_members/{id}", self.member, ["GET"]),
        ]
        return [Route(path, self.guarded(handler), methods=methods) for path, handler, methods in handlers]

    def guarded(self, handler: Any) -> Any:
        async def run(request: Request) -> Response:
            try:
                answer: Response = await handler(request)
            except Refused as refused:
                return error(refused.status, refused.code, refused.message)
            return answer

        return run

    @staticmethod
    def public(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if not k.startswith("_")}

    async def whoami(self, request: Request) -> Response:
        return JSONResponse({"active": True, "workspace_id": WORKSPACE, "workspace_name": "Acme"})

    async def objects(self, request: Request) -> Response:
        found = [
            {"id": {"workspace_id": WORKSPACE, "object_id": object_id(s)}, "api_slug": s, "created_at": stamp()}
            for s in SCHEMA
        ]
        return JSONResponse({"data": found})

    async def statuses(self, request: Request) -> Response:
        obj, attribute = request.path_params["object"], request.path_params["attribute"]
        if (obj, attribute) != ("deals", "stage"):
            raise Refused(404, "not_found", f'Cannot find status attribute "{attribute}" on "{obj}".')
        archived = request.query_params.get("show_archived") == "true"
        found = [s for s in self.workspace.statuses if archived or not s["is_archived"]]
        return JSONResponse({"data": found})

    def _object(self, request: Request) -> str:
        obj = str(request.path_params["object"])
        if obj not in SCHEMA:
            raise Refused(404, "not_found", f'Cannot find object with slug/ID "{obj}".')
        return obj

    def _record(self, request: Request) -> tuple[str, dict[str, Any]]:
        obj = self._object(request)
        record = self.records[obj].get(request.path_params["id"])
        if record is None:
            raise Refused(404, "not_found", f'Record with ID "{request.path_params["id"]}" not found.')
        return obj, record

    @staticmethod
    async def _values(request: Request) -> Any:
        body = await request.json()
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or "values" not in data:
            raise Refused(400, "validation_type", "Body payload validation error: data.values is required.")
        return data["values"]

    @staticmethod
    def actor(request: Request) -> dict[str, Any]:
        return {"type": "api-token", "id": request.state.token.value[:8]}

    async def query(self, request: Request) -> Response:
        obj = self._object(request)
        body = await request.json()
        limit, offset = _page(body, 500, 500)
        found = sorted(self.records[obj].values(), key=lambda r: (r["created_at"], r["_order"]))
        if body.get("filter") is not None:
            found = [r for r in found if matches(obj, r, body["filter"])]
        for sort in body.get("sorts") or []:
            if sort.get("attribute") != "created_at" or sort.get("direction") not in ("asc", "desc"):
                raise Refused(400, "validation_type", "Body payload validation error: sorts.")
            if sort["direction"] == "desc":
                found.reverse()
        return JSONResponse({"data": [self.public(r) for r in found[offset : offset + limit]]})

    async def get(self, request: Request) -> Response:
        return JSONResponse({"data": self.public(self._record(request)[1])})

    async def create(self, request: Request) -> Response:
        obj = self._object(request)
        record = self.add_record(obj, self.actor(request), **await self._values(request))
        return JSONResponse({"data": self.public(record)})

    async def update(self, request: Request) -> Response:
        obj, record = self._record(request)
        values = await self._values(request)
        mode = "put" if request.method == "PUT" else "patch"
        self.workspace.write(obj, record, values, mode, self.actor(request))
        return JSONResponse({"data": self.public(record)})

    async def assert_record(self, request: Request) -> Response:
        obj = self._object(request)
        matching = request.query_params.get("matching_attribute", "")
        attribute = SCHEMA[obj].get(matching)
        if attribute is None or not attribute.unique:
            raise Refused(400, "validation_type", f'Matching attribute "{matching}" is not a unique attribute.')
        values = await self._values(request)
        given = values.get(matching) or []
        probe = [self.workspace.entry(obj, matching, v, {}) for v in (given if isinstance(given, list) else [given])]
        keys = {(e.get("email_address"), e.get("domain")) for e in probe}
        found = [
            r
            for r in self.records[obj].values()
            if keys & {(e.get("email_address"), e.get("domain")) for e in r["values"].get(matching, [])}
        ]
        if len(found) > 1:
            raise Refused(400, "multiple_match_results", f'Several records match on "{matching}".')
        if not found:
            return JSONResponse({"data": self.public(self.add_record(obj, self.actor(request), **values))})
        record = found[0]
        rest = {k: v for k, v in values.items() if k != matching}
        self.workspace.write(obj, record, {matching: values[matching]}, "add", self.actor(request))
        self.workspace.write(obj, record, rest, "put", self.actor(request))
        return JSONResponse({"data": self.public(record)})

    async def delete(self, request: Request) -> Response:
        obj, record = self._record(request)
        del self.records[obj][record["id"]["record_id"]]
        return JSONResponse({})

    # -- notes ----------------------------------------------------------------------------------------------------
    async def list_notes(self, request: Request) -> Response:
        limit, offset = _query_ints(request, 50, 10)
        q = request.query_params
        found = sorted(self.notes.values(), key=lambda n: n["_order"])
        if "parent_object" in q:
            found = [n for n in found if n["parent_object"] == q["parent_object"]]
        if "parent_record_id" in q:
            found = [n for n in found if n["parent_record_id"] == q["parent_record_id"]]
        return JSONResponse({"data": [self.public(n) for n in found[offset : offset + limit]]})

    async def create_note(self, request: Request) -> Response:
        data = (await request.json()).get("data") or {}
        for name in ("parent_object", "parent_record_id", "title", "format", "content"):
            if not isinstance(data.get(name), str):
                raise Refused(400, "validation_type", f"Body payload validation error: data.{name} is required.")
        if data["format"] not in ("plaintext", "markdown"):
            raise Refused(400, "validation_type", "Body payload validation error: data.format.")
        if data["parent_object"] not in SCHEMA or data["parent_record_id"] not in self.records[data["parent_object"]]:
            raise Refused(404, "not_found", f'Parent record "{data["parent_record_id"]}" was not found.')
        note = self.add_note(data["parent_object"], data["parent_record_id"], data["title"], data["content"])
        note["created_by_actor"] = self.actor(request)
        return JSONResponse({"data": self.public(note)})

    async def one_note(self, request: Request) -> Response:
        note = self.notes.get(request.path_params["id"])
        if note is None:
            raise Refused(404, "not_found", f'Note with ID "{request.path_params["id"]}" not found.')
        if request.method == "DELETE":
            del self.notes[request.path_params["id"]]
            return JSONResponse({})
        return JSONResponse({"data": self.public(note)})

    # -- tasks ----------------------------------------------------------------------------------------------------
    async def list_tasks(self, request: Request) -> Response:
        limit, offset = _query_ints(request, 500, 500)
        q = request.query_params
        found = sorted(self.tasks.values(), key=lambda t: t["_order"])
        if ("linked_object" in q) != ("linked_record_id" in q):
            raise Refused(400, "validation_type", "linked_object and linked_record_id must be sent together.")
        if "linked_object" in q:
            link = {"target_object_id": object_id(q["linked_object"]), "target_record_id": q["linked_record_id"]}
            found = [t for t in found if link in t["linked_records"]]
        if "assignee" in q:
            found = [t for t in found if any(a["referenced_actor_id"] == q["assignee"] for a in t["assignees"])]
        if "is_completed" in q:
            found = [t for t in found if t["is_completed"] == (q["is_completed"] == "true")]
        if q.get("sort", "created_at:asc") == "created_at:desc":
            found.reverse()
        return JSONResponse({"data": [self.public(t) for t in found[offset : offset + limit]]})

    async def create_task(self, request: Request) -> Response:
        data = (await request.json()).get("data") or {}
        required = ("content", "format", "deadline_at", "is_completed", "linked_records", "assignees")
        missing = [name for name in required if name not in data]
        if missing or data.get("format") != "plaintext" or not isinstance(data.get("content"), str):
            raise Refused(400, "validation_type", f"Body payload validation error: data.{(missing or ['format'])[0]}.")
        if len(data["content"]) > 2000:
            raise Refused(400, "validation_type", "Body payload validation error: content is 2000 characters at most.")
        task = self.add_task(data["content"], **{k: data[k] for k in required[2:]})
        return JSONResponse({"data": self.public(task)})

    async def one_task(self, request: Request) -> Response:
        task = self.tasks.get(request.path_params["id"])
        if task is None:
            raise Refused(404, "not_found", f'Task with ID "{request.path_params["id"]}" not found.')
        if request.method == "DELETE":
            del self.tasks[request.path_params["id"]]
            return JSONResponse({})
        if request.method == "PATCH":
            data = (await request.json()).get("data") or {}
            unknown = set(data) - {"deadline_at", "is_completed", "linked_records", "assignees"}
            if unknown:
                raise Refused(400, "validation_type", f'Body payload validation error: unknown key "{min(unknown)}".')
            if "linked_records" in data:
                task["linked_records"] = [self._link(link) for link in data["linked_records"]]
            if "assignees" in data:
                task["assignees"] = [self._assignee(a) for a in data["assignees"]]
            if "deadline_at" in data:
                task["deadline_at"] = data["deadline_at"]
            if "is_completed" in data:
                if data["is_completed"] and not task["is_completed"]:
                    task["completed_at"] = stamp()
                elif not data["is_completed"]:
                    task["completed_at"] = None
                task["is_completed"] = bool(data["is_completed"])
        return JSONResponse({"data": self.public(task)})

    # -- workspace members ----------------------------------------------------------------------------------------
    async def members(self, request: Request) -> Response:
        return JSONResponse({"data": list(self.workspace.members.values())})

    async def member(self, request: Request) -> Response:
        member = self.workspace.members.get(request.path_params["id"])
        if member is None:
            raise Refused(404, "not_found", f'Workspace member "{request.path_params["id"]}" not found.')
        return JSONResponse({"data": member})
