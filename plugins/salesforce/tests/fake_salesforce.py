"""Fake Salesforce (REST API v60.0 + OAuth) with in-memory records, served on 127.0.0.1.

OAuth: ``/services/oauth2/authorize`` and ``/services/oauth2/token`` (authorization_code and refresh_token; the
answer has ``access_token``, ``refresh_token`` on the code grant only, ``instance_url`` = this fake, ``id``,
``issued_at`` in ms, ``signature``, ``token_type`` and no ``expires_in``; sessions end after ``session_ttl`` s and
then answer 401 ``INVALID_SESSION_ID``). SOQL ``/query`` answers in batches (``Sforce-Query-Options: batchSize``,
200 to 2,000, default 2,000) continued by ``nextRecordsUrl``; sObjects under ``/sobjects/{Type}[/{Id}]``. Errors
are ``[{"message", "errorCode", "fields"}]``. Every answer carries ``Sforce-Limit-Info: api-usage=n/limit``; once
``api_limit`` requests are spent (or with ``fail_next``) the answer is 403 ``REQUEST_LIMIT_EXCEEDED``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any

from salesforce_soql import SoqlError, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import Grant, TokenEndpoint

API = "/services/data/v60.0"
PREFIX = {"Account": "001", "Contact": "003", "Opportunity": "006", "User": "005", "Task": "00T", "Note": "002"}
PREFIX |= {"OpportunityStage": "01J", "Lead": "00Q"}
SYSTEM = ("Id", "CreatedDate", "LastModifiedDate", "SystemModstamp", "CreatedById", "IsDeleted")
ADDRESS = ("Street", "City", "State", "PostalCode", "Country")
FIELDS: dict[str, tuple[str, ...]] = {
    "Contact": (
        "FirstName", "LastName", "Name", "Title", "Email", "Phone", "MobilePhone", "HomePhone", "OtherPhone",
        *(f"Mailing{p}" for p in ADDRESS), *(f"Other{p}" for p in ADDRESS), "AccountId", "OwnerId",
        "LastActivityDate",
    ),
    "Account": (
        "Name", "Website", "Industry", "Description", "NumberOfEmployees", "Phone", *(f"Billing{p}" for p in ADDRESS),
        *(f"Shipping{p}" for p in ADDRESS), "OwnerId", "LastActivityDate",
    ),
    "Opportunity": (
        "Name", "Amount", "StageName", "IsClosed", "IsWon", "CloseDate", "Probability", "AccountId", "ContactId",
        "OwnerId", "Description", "LastActivityDate", "ForecastCategoryName",
    ),
    "OpportunityStage": (
        "MasterLabel", "ApiName", "IsActive", "IsClosed", "IsWon", "DefaultProbability", "SortOrder",
        "ForecastCategoryName",
    ),
    "Task": (
        "Subject", "Description", "ActivityDate", "Status", "Priority", "IsClosed", "CompletedDateTime", "WhoId",
        "WhatId", "AccountId", "OwnerId",
    ),
    "Note": ("Title", "Body", "ParentId", "OwnerId", "IsPrivate"),
    "User": ("Name", "Username", "Email", "IsActive", "SmallPhotoUrl", "FirstName", "LastName"),
    "Lead": ("FirstName", "LastName", "Company", "Email", "Status", "IsConverted", "OwnerId"),
}  # fmt: skip
REQUIRED = {"Contact": ("LastName",), "Account": ("Name",), "Opportunity": ("Name", "StageName", "CloseDate")}
REQUIRED |= {"Note": ("Title", "ParentId")}
READ_ONLY = {"Id", "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted", "CreatedById"}
DERIVED = {"Contact": {"Name"}, "User": {"Name"}, "Opportunity": {"IsClosed", "IsWon"}}
DERIVED |= {"Task": {"IsClosed", "CompletedDateTime", "AccountId"}}
Handler = Callable[[Request], Awaitable[Response]]


def now() -> str:
    """A Salesforce dateTime: ``2024-01-02T03:04:05.000+0000``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}+0000"


def errors(status: int, code: str, message: str, fields: list[str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return JSONResponse([body], status_code=status)


class SalesforceTokens(TokenEndpoint):
    """``POST /services/oauth2/token``: no ``expires_in`` in the answer, ``instance_url`` and ``issued_at``."""

    token_type = "Bearer"
    rotate_refresh = False  # Salesforce's refresh tokens last until revoked; a refresh answers none
    default_scopes = ("api", "refresh_token")
    refusals = {
        "invalid_client": (400, "invalid_client_id", "client identifier invalid"),
        "invalid_code": (400, "invalid_grant", "invalid authorization code"),
        "redirect_uri_mismatch": (400, "redirect_uri_mismatch", "redirect_uri must match configuration"),
        "invalid_refresh_token": (400, "invalid_grant", "expired access/refresh token"),
        "unsupported": (400, "unsupported_grant_type", "grant type not supported"),
    }

    def access_lifetime(self, grant: Grant) -> int | None:
        return int(getattr(self.fake, "session_ttl", 7200))

    def body(self, grant: Grant) -> dict[str, Any]:
        answer = super().body(grant)
        answer.pop("expires_in", None)  # Salesforce never says when the session ends
        issued = str(int(time.time() * 1000))
        signed = hashlib.sha256(f"{answer['access_token']}{issued}".encode()).digest()
        return {
            **answer,
            "instance_url": self.fake.base_url,
            "id": f"{self.fake.base_url}/id/00D000000000001AAA/{grant.subject}",
            "issued_at": issued,
            "signature": base64.b64encode(signed).decode(),
        }


class FakeSalesforce(FakeUpstream):
    """Records by sObject type, each a dict of JSON records keyed by id."""

    public_paths = ("/services/oauth2/",)

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in FIELDS}
        self.custom: dict[str, set[str]] = {kind: set() for kind in FIELDS}
        self.locators: dict[str, list[dict[str, Any]]] = {}
        self.numbers = count(1)
        self.session_ttl = 7200
        self.api_limit, self.api_used = 5000, 0
        self.token_endpoint = SalesforceTokens(self)
        self.deleted: set[str] = set()

    # -- seeding --------------------------------------------------------------------------------------------------
    def new_id(self, kind: str) -> str:
        return f"{PREFIX[kind]}{next(self.numbers):012d}AAA"

    def add(self, kind: str, **fields: Any) -> dict[str, Any]:
        stamp = now()
        record = {"Id": self.new_id(kind), "CreatedDate": stamp, "LastModifiedDate": stamp, "SystemModstamp": stamp}
        record |= {name: None for name in FIELDS[kind] if name not in record} | fields
        self.custom[kind] |= {name for name in fields if name.endswith("__c")}
        self.store[kind][record["Id"]] = record
        self.derive(kind, record)
        return record

    def add_custom(self, kind: str, *names: str) -> None:
        self.custom[kind] |= set(names)

    def touch_system(self, kind: str, record_id: str) -> None:
        """A change only the system makes (a roll-up, a recalculation): ``SystemModstamp`` moves, not
        ``LastModifiedDate``."""
        self.store[kind][record_id]["SystemModstamp"] = now()

    def session(self, user: dict[str, Any]) -> str:
        """An access token for ``user`` (a session that does not end)."""
        return self.issue_token(subject=str(user["Id"]))

    def derive(self, kind: str, record: dict[str, Any]) -> None:
        """The fields Salesforce computes: names, an opportunity's closed/won flags, a task's state and account."""
        if kind in ("Contact", "User") and (record.get("FirstName") or record.get("LastName")):
            record["Name"] = " ".join(p for p in (record.get("FirstName"), record.get("LastName")) if p) or None
        if kind == "Opportunity":
            stage = self.stage(record.get("StageName"))
            record["IsClosed"] = bool(stage and stage["IsClosed"])
            record["IsWon"] = bool(stage and stage["IsWon"])
        if kind == "Task":
            closed = record.get("Status") == "Completed"
            if closed and not record.get("IsClosed"):
                record["CompletedDateTime"] = now()
            record["IsClosed"] = closed
            what, who = record.get("WhatId") or "", record.get("WhoId") or ""
            holder = self.store["Opportunity"].get(what) or self.store["Contact"].get(who) or {}
            record["AccountId"] = what if what.startswith("001") else holder.get("AccountId")

    def stage(self, name: Any) -> dict[str, Any] | None:
        return next((s for s in self.store["OpportunityStage"].values() if s["ApiName"] == name), None)

    # -- auth, limits and errors ----------------------------------------------------------------------------------
    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return errors(401, "INVALID_SESSION_ID", "Session expired or invalid")

    def rate_limit_response(self, request: Request) -> Response:
        return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")

    def concurrent_limit_response(self, request: Request) -> Response:
        return errors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        if self.is_public(request.url.path):
            return {}
        return {"Sforce-Limit-Info": f"api-usage={min(self.api_used, self.api_limit)}/{self.api_limit}"}

    def api(self, handler: Handler) -> Handler:
        """``handler`` counting against the org's daily budget, refused once it is spent."""

        async def counted(request: Request) -> Response:
            if self.api_used >= self.api_limit:
                return self.rate_limit_response(request)
            self.api_used += 1
            return await handler(request)

        return counted

    # -- routes ---------------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/services/oauth2/authorize", self.authorize),
            Route("/services/oauth2/token", self.token_endpoint.endpoint, methods=["POST"]),
            Route(f"{API}/query", self.api(self.query), methods=["GET"]),
            Route(f"{API}/query/{{locator}}", self.api(self.more), methods=["GET"]),
            Route(f"{API}/sobjects/{{kind}}", self.api(self.create), methods=["POST"]),
            Route(f"{API}/sobjects/{{kind}}/{{id}}", self.api(self.get), methods=["GET"]),
            Route(f"{API}/sobjects/{{kind}}/{{id}}", self.api(self.update), methods=["PATCH"]),
            Route(f"{API}/sobjects/{{kind}}/{{id}}", self.api(self.delete), methods=["DELETE"]),
        ]

    def known(self, kind: str) -> set[str] | None:
        return {*SYSTEM, *FIELDS[kind], *self.custom[kind]} if kind in FIELDS else None

    @staticmethod
    def batch_size(request: Request) -> int:
        sent = request.headers.get("sforce-query-options", "").split(",")
        options = dict(part.strip().split("=", 1) for part in sent if "=" in part)
        size = options.get("batchSize", "2000")
        return min(max(int(size), 200), 2000) if size.isdigit() else 2000

    def shaped(self, kind: str, record: dict[str, Any], fields: list[str] | None = None) -> dict[str, Any]:
        attributes = {"type": kind, "url": f"{API}/sobjects/{kind}/{record['Id']}"}
        chosen = record if fields is None else {f: record.get(f) for f in fields}
        return {"attributes": attributes, **chosen}

    def batch(self, locator: str, records: list[dict[str, Any]], start: int, size: int) -> JSONResponse:
        chunk = records[start : start + size]
        body: dict[str, Any] = {"totalSize": len(records), "done": start + size >= len(records), "records": chunk}
        if not body["done"]:
            body["nextRecordsUrl"] = f"{API}/query/{locator}-{start + size}"
        return JSONResponse(body)

    async def query(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        try:
            soql = parse(text, self.known)
        except SoqlError as exc:
            return errors(400, exc.code, exc.message)
        kind = soql.sobject
        found = [self.shaped(kind, r, soql.fields) for r in soql.run(list(self.store[kind].values()))]
        locator = "01g" + secrets.token_hex(6).upper()
        self.locators[locator] = found
        return self.batch(locator, found, 0, self.batch_size(request))

    async def more(self, request: Request) -> Response:
        locator, _, start = request.path_params["locator"].rpartition("-")
        if locator not in self.locators or not start.isdigit():
            return errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self.batch(locator, self.locators[locator], int(start), self.batch_size(request))

    def _record(self, request: Request) -> tuple[str, dict[str, Any] | None]:
        kind = request.path_params["kind"]
        return kind, self.store.get(kind, {}).get(request.path_params["id"])

    async def get(self, request: Request) -> Response:
        kind, record = self._record(request)
        if record is None:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        return JSONResponse(self.shaped(kind, record))

    def refused(self, kind: str, body: dict[str, Any], creating: bool) -> Response | None:
        """Salesforce's refusal of a write body, if any."""
        known = self.known(kind) or set()
        for name in body:
            if name not in known:
                return errors(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {kind}")
            if name in READ_ONLY or name in DERIVED.get(kind, set()):
                message = f"Unable to create/update fields: {name}. Please check the security settings of this field."
                return errors(400, "INVALID_FIELD_FOR_INSERT_UPDATE", message, [name])
        missing = [n for n in REQUIRED.get(kind, ()) if creating and not body.get(n)]
        missing += [n for n in REQUIRED.get(kind, ()) if not creating and n in body and not body[n]]
        if missing:
            message = f"Required fields are missing: [{', '.join(missing)}]"
            return errors(400, "REQUIRED_FIELD_MISSING", message, missing)
        if kind == "Opportunity" and "StageName" in body and self.stage(body["StageName"]) is None:
            message = f"Stage: bad value for restricted picklist field: {body['StageName']}"
            return errors(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message, ["StageName"])
        for name, value in body.items():
            if name.endswith("Id") and value and not self.exists(str(value)):
                message = f"{name}: id value of incorrect type: {value}"
                code = "MALFORMED_ID" if len(str(value)) not in (15, 18) else "INVALID_CROSS_REFERENCE_KEY"
                return errors(400, code, message, [name])
        return None

    def exists(self, record_id: str) -> bool:
        return any(record_id in records for records in self.store.values())

    async def create(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in FIELDS:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        body = await request.json()
        refused = self.refused(kind, body, creating=True)
        if refused is not None:
            return refused
        if kind == "Task":
            body = {"Status": "Not Started", "Priority": "Normal", **body}
        if kind == "Opportunity" and body.get("Probability") is None:
            body["Probability"] = (self.stage(body["StageName"]) or {}).get("DefaultProbability")
        owner = request.scope["state"]["token"].subject
        record = self.add(kind, **{"OwnerId": owner if kind != "User" else None, **body})
        return JSONResponse({"id": record["Id"], "success": True, "errors": []}, status_code=201)

    async def update(self, request: Request) -> Response:
        kind, record = self._record(request)
        if record is None:
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        body = await request.json()
        refused = self.refused(kind, body, creating=False)
        if refused is not None:
            return refused
        record.update(body)
        record["LastModifiedDate"] = record["SystemModstamp"] = now()
        self.derive(kind, record)
        return Response(status_code=204)

    async def delete(self, request: Request) -> Response:
        kind, record = self._record(request)
        if record is None:
            gone = request.path_params["id"] in self.deleted
            if gone:
                return errors(404, "ENTITY_IS_DELETED", "entity is deleted")
            return errors(404, "NOT_FOUND", "The requested resource does not exist")
        del self.store[kind][record["Id"]]
        self.deleted.add(record["Id"])
        return Response(status_code=204)
