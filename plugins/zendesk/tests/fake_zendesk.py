"""Fake Zendesk Support (REST ``/api/v2`` + OAuth) with in-memory state, served on 127.0.0.1.

Credentials: OAuth bearer tokens (``/oauth/authorizations/new``, ``/oauth/tokens`` with expiring access tokens and
rotating refresh tokens: a refresh deletes the previous access and refresh token) and API tokens sent as Basic
``{email}/token:{api_token}``. Lists page by cursor (``page[size]`` ≤ 100, ``page[after]``; ``meta.has_more``,
``meta.after_cursor``, ``links.next``); the incremental ticket export by ``start_time``/``cursor`` with
``end_of_stream``; the search export by cursor. Rate limits answer 429 ``text/plain`` with ``Retry-After``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any
from urllib.parse import urlencode

from search_query import matches, parse_query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from zendesk_oauth import ZendeskTokens
from zendesk_shapes import (
    NOT_FOUND,
    PRIORITIES,
    STATUSES,
    TYPES,
    ZComment,
    ZGroup,
    ZOrganization,
    ZTicket,
    ZUser,
    attachment,
    comment,
    decode_cursor,
    encode_cursor,
    group,
    html_of,
    organization,
    parse_stamp,
    record_invalid,
    stamp,
    ticket,
    user,
)

from gateway.testing.fake_errors import json_error, rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState

SITE = "https://acme.zendesk.com"  # the host Zendesk puts in attachment URLs
INVALID_TOKEN = "The access token provided is expired, revoked, malformed or invalid for other reasons."
Handler = Callable[[Request], Any]


def pagination_error(description: str) -> JSONResponse:
    return json_error(400, {"error": "InvalidPaginationParameter", "description": description})


class FakeZendesk(FakeUpstream):
    """One Zendesk account (``acme``) with agents, end-users, groups, organizations, tickets and comments."""

    public_paths = ("/oauth/authorizations/new", "/oauth/tokens")

    def __init__(self, *, access_ttl: int | None = 7200) -> None:
        super().__init__()
        self.access_ttl = access_ttl  # None: tokens without expires_in, as Zendesk issued before 2025
        self.users: dict[int, ZUser] = {}
        self.groups: dict[int, ZGroup] = {}
        self.organizations: dict[int, ZOrganization] = {}
        self.tickets: dict[int, ZTicket] = {}
        self.jobs: dict[str, dict[str, Any]] = {}  # job statuses of merges
        self._ids = count(360_001_000_000, 7)
        self._ticket_numbers = count(1)

    # -- seeding --------------------------------------------------------------------------------------------------
    def add_user(self, name: str, role: str = "agent", **fields: Any) -> ZUser:
        email = fields.pop("email", name.lower().replace(" ", ".") + "@example.com")
        item = ZUser(next(self._ids), name, email, role, fields.pop("created_at", stamp()), **fields)
        self.users[item.id] = item
        return item

    def add_group(self, name: str, description: str = "") -> ZGroup:
        item = ZGroup(next(self._ids), name, description, stamp(), default=not self.groups)
        self.groups[item.id] = item
        return item

    def add_organization(self, name: str, domains: list[str]) -> ZOrganization:
        item = ZOrganization(next(self._ids), name, list(domains), stamp())
        self.organizations[item.id] = item
        return item

    def add_ticket(self, subject: str, requester: ZUser, body: str = "Help", **fields: Any) -> ZTicket:
        created = fields.pop("created_at", stamp())
        item = ZTicket(next(self._ticket_numbers), subject, requester.id, requester.id, created, created, **fields)
        item.organization_id = item.organization_id or requester.organization_id
        item.comments.append(ZComment(next(self._ids), requester.id, body, html_of(body), True, created, 0))
        self.tickets[item.id] = item
        return item

    def add_attachment(self, item: ZTicket, file_name: str, content_type: str, size: int) -> dict[str, Any]:
        """Attach a file to the ticket's first comment (Zendesk attaches uploads to the comment they came with)."""
        added = attachment(SITE, next(self._ids), file_name, content_type, size)
        item.comments[0].attachments.append(added)
        return added

    def oauth_token_for(self, member: ZUser, *, expires_in: float | None = None) -> str:
        return self.issue_token(subject=str(member.id), scopes=("read", "write"), expires_in=expires_in)

    def api_token_for(self, member: ZUser) -> tuple[str, str]:
        """Basic credentials for an API token: (``{email}/token``, the token)."""
        token = self.issue_token(subject=str(member.id), email=member.email, via="api_token")
        return f"{member.email}/token", token

    # -- provider hooks -------------------------------------------------------------------------------------------
    def extract_token(self, request: Request) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            return value.strip() or None
        if scheme.lower() != "basic":
            return None
        try:
            username, _, secret = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if not username.endswith("/token"):  # password authentication is deactivated
            return None
        issued = self.tokens.get(secret)
        if issued is None or issued.data.get("email") != username.removesuffix("/token"):
            return "unknown:" + secret[:4]
        return secret

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        if request.headers.get("authorization", "").lower().startswith("bearer"):
            challenge = f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{INVALID_TOKEN}"'
            body = {"error": "invalid_token", "error_description": INVALID_TOKEN}
            return json_error(401, body, {"www-authenticate": challenge})
        return json_error(401, {"error": "Couldn't authenticate you"})

    def rate_limit_response(self, request: Request, retry_after: int = 60) -> Response:
        headers = {
            "x-rate-limit": "700",
            "x-rate-limit-remaining": "0",
            "ratelimit-limit": "700",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(retry_after),
        }
        return rate_limited(
            text="Number of allowed API requests per minute exceeded", retry_after=retry_after, headers=headers
        )

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        return {"x-rate-limit": "700", "x-rate-limit-remaining": "699", "zendesk-api-version": "2022-01-01"}

    # -- helpers --------------------------------------------------------------------------------------------------
    def _me(self, request: Request) -> ZUser:
        return self.users[int(request.state.token.subject)]

    def _cursor_page(self, request: Request, key: str, items: list[dict[str, Any]], cap: int = 100) -> Response:
        """One cursor page of ``items`` under ``key``, with ``meta`` and ``links`` as Zendesk sends them."""
        q = request.query_params
        size_text = q.get("page[size]", "100")
        if not size_text.isdigit() or not 0 < int(size_text) <= cap:
            return pagination_error(f"page[size] must be a number between 1 and {cap}")
        size, start = int(size_text), 0
        if "page[after]" in q:
            found = decode_cursor(q["page[after]"])
            if found is None:
                return pagination_error("Invalid cursor")
            start = found
        page = items[start : start + size]
        end = start + len(page)
        base = f"{self.base_url}{request.url.path}"
        others = {k: v for k, v in q.multi_items() if not k.startswith("page[")}
        after, before = encode_cursor(end), encode_cursor(start)

        def link(position: str, cursor: str) -> str:
            return base + "?" + urlencode([*others.items(), (f"page[{position}]", cursor), ("page[size]", size)])

        meta = {"has_more": end < len(items), "after_cursor": after if page else None, "before_cursor": before}
        links = {"prev": link("before", before) if page else None, "next": link("after", after) if page else None}
        return JSONResponse({key: page, "meta": meta, "links": links})

    @staticmethod
    def _id(request: Request) -> int | None:
        raw = str(request.path_params["id"]).removesuffix(".json")
        return int(raw) if raw.isdigit() else None

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        api: list[tuple[str, Handler, str]] = [
            ("/users/me", self.me, "GET"),
            ("/users", self.list_users, "GET"),
            ("/users/{id}", self.get_user, "GET"),
            ("/groups", self.list_groups, "GET"),
            ("/groups/{id}", self.get_group, "GET"),
            ("/organizations", self.list_organizations, "GET"),
            ("/organizations/{id}", self.get_organization, "GET"),
            ("/tags", self.list_tags, "GET"),
            ("/tickets", self.list_tickets, "GET"),
            ("/tickets", self.create_ticket, "POST"),
            ("/tickets/{id}", self.get_ticket, "GET"),
            ("/tickets/{id}", self.update_ticket, "PUT"),
            ("/tickets/{id}/comments", self.list_comments, "GET"),
            ("/tickets/{id}/merge", self.merge_tickets, "POST"),
            ("/job_statuses/{id}", self.get_job_status, "GET"),
            ("/attachments/{id}", self.get_attachment, "GET"),
            ("/incremental/tickets/cursor", self.incremental_tickets, "GET"),
            ("/search/export", self.search_export, "GET"),
        ]
        routes: list[BaseRoute] = [
            Route("/oauth/authorizations/new", self.authorize),
            Route("/oauth/tokens", ZendeskTokens(self).endpoint, methods=["POST"]),
        ]
        for path, handler, method in api:  # the ``.json`` suffix is optional on every path
            routes += [Route(f"/api/v2{p}", handler, methods=[method]) for p in (path, f"{path}.json")]
        return routes

    async def me(self, request: Request) -> Response:
        return JSONResponse({"user": user(self.base_url, self._me(request))})

    async def list_users(self, request: Request) -> Response:
        roles = request.query_params.getlist("role[]") or request.query_params.getlist("role")
        found = [user(self.base_url, u) for u in self.users.values() if not roles or u.role in roles]
        return self._cursor_page(request, "users", found)

    async def get_user(self, request: Request) -> Response:
        found = self.users.get(self._id(request) or 0)
        return JSONResponse({"user": user(self.base_url, found)}) if found else JSONResponse(NOT_FOUND, 404)

    async def list_groups(self, request: Request) -> Response:
        return self._cursor_page(request, "groups", [group(self.base_url, g) for g in self.groups.values()])

    async def get_group(self, request: Request) -> Response:
        found = self.groups.get(self._id(request) or 0)
        return JSONResponse({"group": group(self.base_url, found)}) if found else JSONResponse(NOT_FOUND, 404)

    async def list_organizations(self, request: Request) -> Response:
        found = [organization(self.base_url, o) for o in self.organizations.values()]
        return self._cursor_page(request, "organizations", found)

    async def get_organization(self, request: Request) -> Response:
        found = self.organizations.get(self._id(request) or 0)
        if found is None:
            return JSONResponse(NOT_FOUND, 404)
        return JSONResponse({"organization": organization(self.base_url, found)})

    async def list_tags(self, request: Request) -> Response:
        counts: dict[str, int] = {}
        for item in self.tickets.values():
            for name in item.tags:
                counts[name] = counts.get(name, 0) + 1
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))  # most used first
        return self._cursor_page(request, "tags", [{"name": n, "count": c} for n, c in ranked])

    def _live(self) -> list[ZTicket]:
        return [t for t in self.tickets.values() if not t.deleted]

    async def list_tickets(self, request: Request) -> Response:
        return self._cursor_page(request, "tickets", [ticket(self.base_url, t) for t in self._live()])

    async def get_ticket(self, request: Request) -> Response:
        found = self.tickets.get(self._id(request) or 0)
        if found is None or found.deleted:
            return JSONResponse(NOT_FOUND, 404)
        return JSONResponse({"ticket": ticket(self.base_url, found)})

    async def merge_tickets(self, request: Request) -> Response:
        """``POST /tickets/{id}/merge`` ``{ids, target_comment?, source_comment?, ..._is_public?}``: the sources are
        closed with a comment, the target gets one; answered with a job status (done at once here)."""
        target = self.tickets.get(self._id(request) or 0)
        if target is None or target.deleted:
            return JSONResponse(NOT_FOUND, 404)
        data = await request.json()
        ids = data.get("ids") if isinstance(data, dict) else None
        if not isinstance(ids, list) or not ids or target.id in ids:
            return JSONResponse(record_invalid("ids", "Ids: send the ids of other tickets to merge into this one"), 422)
        sources = [self.tickets.get(i) if isinstance(i, int) else None for i in ids]
        if any(s is None or s.deleted or s.status == "closed" for s in sources):
            return JSONResponse(record_invalid("ids", "Ids: a ticket to merge is missing or closed"), 422)
        author = self._me(request)
        numbers = ", ".join(f"#{i}" for i in ids)
        target_text = data.get("target_comment") or f"Requests {numbers} were closed and merged into this request."
        for source in sources:
            assert source is not None
            text = data.get("source_comment") or f"This request was closed and merged into request #{target.id}."
            public = bool(data.get("source_comment_is_public", True))
            source.comments.append(ZComment(next(self._ids), author.id, text, html_of(text), public, stamp(), 0))
            source.status, source.updated_at = "closed", stamp()
        public = bool(data.get("target_comment_is_public", True))
        target.comments.append(
            ZComment(next(self._ids), author.id, target_text, html_of(target_text), public, stamp(), 0)
        )
        target.updated_at = stamp()
        job = {"id": f"J{next(self._ids)}", "job_type": "merge", "status": "completed", "total": len(ids)}
        job["url"] = f"{self.base_url}/api/v2/job_statuses/{job['id']}.json"
        self.jobs[job["id"]] = job
        return JSONResponse({"job_status": {**job, "status": "queued"}})

    async def get_job_status(self, request: Request) -> Response:
        job = self.jobs.get(str(request.path_params["id"]).removesuffix(".json"))
        return JSONResponse({"job_status": job}) if job else JSONResponse(NOT_FOUND, 404)

    async def list_comments(self, request: Request) -> Response:
        found = self.tickets.get(self._id(request) or 0)
        if found is None or found.deleted:
            return JSONResponse(NOT_FOUND, 404)
        return self._cursor_page(request, "comments", [comment(c) for c in found.comments])

    async def get_attachment(self, request: Request) -> Response:
        wanted = self._id(request)
        for item in self.tickets.values():
            for note in item.comments:
                found = next((a for a in note.attachments if a["id"] == wanted), None)
                if found is not None:
                    return JSONResponse({"attachment": found})
        return JSONResponse(NOT_FOUND, 404)

    async def incremental_tickets(self, request: Request) -> Response:
        """``/incremental/tickets/cursor``: every ticket changed since ``start_time``, deleted ones included."""
        q = request.query_params
        per_page = int(q.get("per_page", "1000")) if q.get("per_page", "1000").isdigit() else 0
        if not 0 < per_page <= 1000:
            return JSONResponse({"error": "InvalidValue", "description": "per_page must be between 1 and 1000"}, 400)
        ordered = sorted(self.tickets.values(), key=lambda t: (parse_stamp(t.updated_at), t.id))
        if "cursor" in q:
            start = decode_cursor(q["cursor"])
            if start is None:
                return pagination_error("Invalid cursor")
        elif q.get("start_time", "").isdigit():
            since = datetime.fromtimestamp(int(q["start_time"]), UTC)
            start = next((n for n, t in enumerate(ordered) if parse_stamp(t.updated_at) >= since), len(ordered))
        else:
            return JSONResponse({"error": "InvalidValue", "description": "start_time or cursor is required"}, 400)
        page = ordered[start : start + per_page]
        end = start + len(page)
        base = f"{self.base_url}/api/v2/incremental/tickets/cursor.json"
        return JSONResponse(
            {
                "tickets": [ticket(self.base_url, t, incremental=True) for t in page],
                "after_url": f"{base}?cursor={encode_cursor(end)}",
                "after_cursor": encode_cursor(end),
                "before_url": f"{base}?cursor={encode_cursor(start)}",
                "before_cursor": encode_cursor(start),
                "end_of_stream": end >= len(ordered),
            }
        )

    async def search_export(self, request: Request) -> Response:
        q = request.query_params
        if q.get("filter[type]") not in ("ticket", "user", "organization", "group"):
            return JSONResponse(
                {"error": "InvalidSearchParameter", "description": "filter[type] is required for export"}, 400
            )
        if q.get("filter[type]") != "ticket":
            return self._cursor_page(request, "results", [], cap=1000)
        try:
            terms = parse_query(q.get("query", ""))
        except ValueError as exc:
            return JSONResponse({"error": "unavailable", "description": str(exc)}, 400)
        found = [{**ticket(self.base_url, t), "result_type": "ticket"} for t in self._live() if matches(t, terms)]
        answer = self._cursor_page(request, "results", found, cap=1000)
        return answer

    # -- writes ---------------------------------------------------------------------------------------------------
    def _apply(self, item: ZTicket, fields: dict[str, Any], author: ZUser) -> dict[str, Any] | None:
        """Apply ticket attributes; the 422 body of the first refused one, or None."""
        if item.status == "closed":
            return record_invalid("status", "Status: closed prevents ticket update", "ClosedTicket")
        checks: list[tuple[str, tuple[str, ...], str]] = [
            ("status", STATUSES, "Status"),
            ("priority", PRIORITIES, "Priority"),
            ("type", TYPES, "Type"),
        ]
        for name, allowed, label in checks:
            if fields.get(name) is not None and fields[name] not in allowed:
                return record_invalid(name, f"{label}: {fields[name]} is not a valid value")
        for name, table, label in (
            ("assignee_id", {u.id for u in self.users.values() if u.role != "end-user"}, "Assignee"),
            ("group_id", set(self.groups), "Group"),
            ("requester_id", set(self.users), "Requester"),
            ("organization_id", set(self.organizations), "Organization"),
        ):
            if fields.get(name) is not None and int(fields[name]) not in table:
                return record_invalid(name.removesuffix("_id"), f"{label}: is invalid")
        for name in ("subject", "status", "priority", "type", "due_at"):
            if name in fields:
                setattr(item, name, fields[name])
        for name in ("assignee_id", "group_id", "requester_id", "organization_id"):
            if name in fields:
                setattr(item, name, int(fields[name]) if fields[name] is not None else None)
        if "tags" in fields:
            item.tags = sorted({str(t).lower().replace(" ", "_") for t in fields["tags"] or []})
        new = fields.get("comment")
        if isinstance(new, dict) and (new.get("body") or new.get("html_body")):
            text = str(new.get("body") or new.get("html_body"))
            public = bool(new.get("public", True)) or author.role == "end-user"
            rendered = str(new["html_body"]) if new.get("html_body") else html_of(text)
            item.comments.append(ZComment(next(self._ids), author.id, text, rendered, public, stamp(), 0))
        if item.status == "new" and item.assignee_id is not None and "status" not in fields:
            item.status = "open"  # Zendesk opens a new ticket once it is assigned
        item.updated_at = stamp()
        return None

    def _written(self, item: ZTicket, author: ZUser, status: int, commented: bool) -> Response:
        audit_id = next(self._ids)
        events: list[dict[str, Any]] = []
        if commented:
            item.comments[-1].audit_id = audit_id
            events.append(comment(item.comments[-1]))
        audit = {
            "id": audit_id,
            "ticket_id": item.id,
            "created_at": item.updated_at,
            "author_id": author.id,
            "metadata": {"system": {"client": "unigate"}, "custom": {}},
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "events": events,
        }
        return JSONResponse({"ticket": ticket(self.base_url, item), "audit": audit}, status)

    async def create_ticket(self, request: Request) -> Response:
        fields = (await request.json()).get("ticket") or {}
        author = self._me(request)
        new = fields.get("comment") or {}
        if not (isinstance(new, dict) and (new.get("body") or new.get("html_body"))):
            return JSONResponse(record_invalid("description", "Description: cannot be blank", "BlankValue"), 422)
        requester = self.users.get(int(fields.get("requester_id") or author.id))
        if requester is None:
            return JSONResponse(record_invalid("requester", "Requester: is invalid"), 422)
        subject = str(fields.get("subject") or str(new.get("body") or new.get("html_body"))[:50])
        item = ZTicket(next(self._ticket_numbers), subject, requester.id, author.id, stamp(), stamp())
        item.organization_id = requester.organization_id
        refused = self._apply(item, {k: v for k, v in fields.items() if k != "subject"}, author)
        if refused is not None:
            return JSONResponse(refused, 422)
        self.tickets[item.id] = item
        return self._written(item, author, 201, commented=True)

    async def update_ticket(self, request: Request) -> Response:
        found = self.tickets.get(self._id(request) or 0)
        if found is None or found.deleted:
            return JSONResponse(NOT_FOUND, 404)
        fields = (await request.json()).get("ticket") or {}
        before = len(found.comments)
        refused = self._apply(found, fields, self._me(request))
        if refused is not None:
            return JSONResponse(refused, 422)
        return self._written(found, self._me(request), 200, commented=len(found.comments) > before)
