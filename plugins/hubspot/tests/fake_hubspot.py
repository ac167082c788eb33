"""Fake HubSpot (CRM v3 objects, search and merge, v4 associations, properties, pipelines, owners, OAuth) on
127.0.0.1.

Credentials: OAuth bearer tokens of 30 minutes (``/oauth/authorize``, ``/oauth/v1/token`` answering ``hub_id``; the
refresh token does not rotate) and private-app tokens (``pat-na1-…``). Lists page by ``limit`` (≤ 100) and
``after`` (answer ``paging.next.after``, absent on the last page); search by ``after`` in the body (``limit`` ≤ 200).
Every answer carries ``X-HubSpot-RateLimit-*`` headers except search's; a rate limit is 429 with ``policyName``.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from hubspot_merge import merge_objects
from hubspot_oauth import HubSpotTokens
from hubspot_shapes import (
    CREATED,
    DATETIMES,
    DEFAULT_STAGES,
    MODIFIED,
    READ_ONLY,
    STANDARD,
    TASK_STATUSES,
    TYPE_IDS,
    HObject,
    Owner,
    error,
    invalid_property,
    not_found,
    parse_moment,
    property_definition,
    stamp,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error
from gateway.testing.fake_upstream import FakeUpstream, TokenState

PORTAL_ID = 62515
OBJECTS = "/crm/v3/objects/{kind}"
POLICIES = {"SECONDLY": "secondly", "TEN_SECONDLY_ROLLING": "ten_secondly_rolling", "DAILY": "daily"}
Handler = Callable[[Request], Any]


class FakeHubSpot(FakeUpstream):
    """One HubSpot account (portal ``62515``) with owners, the default sales pipeline and CRM objects."""

    public_paths = ("/oauth/authorize", "/oauth/v1/token")

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[str, dict[str, HObject]] = {kind: {} for kind in STANDARD}
        self.custom: dict[str, dict[str, str]] = {kind: {} for kind in STANDARD}  # name -> type
        self.links: set[tuple[str, str, str, str]] = set()  # (from kind, from id, to kind, to id), both ways kept
        self.aliases: dict[tuple[str, str], str] = {}  # (kind, id of a merged record) -> the record it became
        self.owners: dict[str, Owner] = {}
        self.pipelines: list[dict[str, Any]] = [self._pipeline("default", "Sales Pipeline", DEFAULT_STAGES, 0)]
        self._ids = itertools.count(1001)
        self.token_endpoint = HubSpotTokens(self)

    # -- seeding --------------------------------------------------------------------------------------------------
    def add(self, kind: str, when: datetime | None = None, **properties: Any) -> HObject:
        """Store an object of ``kind`` with these properties (as given, made strings), created and changed ``when``."""
        moment = when or datetime.now(UTC)
        item = HObject(str(next(self._ids)), kind, {}, moment, moment)
        item.properties.update({k: None if v is None else str(v) for k, v in properties.items()})
        self.objects[kind][item.id] = item
        self._derive(item)
        return item

    def link(self, source: HObject, target: HObject) -> None:
        self.links |= {
            (source.kind, source.id, target.kind, target.id),
            (target.kind, target.id, source.kind, source.id),
        }

    def add_custom_property(self, kind: str, name: str, kind_of: str = "string") -> None:
        self.custom[kind][name] = kind_of

    def add_owner(self, first: str, last: str, archived: bool = False) -> Owner:
        number = next(self._ids)
        owner = Owner(
            str(number), f"{first}.{last}@example.com".lower(), first, last, 9_000_000 + number, datetime.now(UTC)
        )
        owner.archived = archived
        owner.teams = [{"id": "41", "name": "Sales", "primary": True}]
        self.owners[owner.id] = owner
        return owner

    def add_pipeline(self, pipeline_id: str, label: str, stages: tuple[tuple[str, str, str, bool], ...]) -> None:
        self.pipelines.append(self._pipeline(pipeline_id, label, stages, len(self.pipelines)))

    @staticmethod
    def _pipeline(pipeline_id: str, label: str, stages: Any, order: int) -> dict[str, Any]:
        made = "2019-08-06T02:41:52.000Z"
        return {
            "id": pipeline_id,
            "label": label,
            "displayOrder": order,
            "stages": [
                {
                    "id": stage_id,
                    "label": name,
                    "displayOrder": n,
                    "metadata": {"isClosed": "true" if closed else "false", "probability": probability},
                    "createdAt": made,
                    "updatedAt": made,
                    "archived": False,
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                }
                for n, (stage_id, name, probability, closed) in enumerate(stages)
            ],
            "createdAt": made,
            "updatedAt": made,
            "archived": False,
        }

    def oauth_token(self, expires_in: float | None = None) -> str:
        return self.issue_token(
            subject=str(PORTAL_ID), scopes=("oauth", "crm.objects.contacts.read"), expires_in=expires_in
        )

    def private_app_token(self) -> str:
        return self.issue_token(subject=str(PORTAL_ID), prefix="pat-na1-")

    # -- provider hooks -------------------------------------------------------------------------------------------
    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        if state == "expired":
            return error(
                401, "The OAuth token used to make this call expired 2 minute(s) ago.", "EXPIRED_AUTHENTICATION"
            )
        message = (
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more "
            "details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
        )
        return error(401, message, "INVALID_AUTHENTICATION")

    def rate_limit_response(self, request: Request, policy: str = "TEN_SECONDLY_ROLLING") -> Response:
        body = {
            "status": "error",
            "message": f"You have reached your {POLICIES[policy]} limit.",
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": policy,
            "groupName": f"publicapi:oauth:{self.client_id}:{PORTAL_ID}",
        }
        return json_error(429, body, self._limits(remaining=0))

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        if request.url.path.endswith("/search") or self.is_public(request.url.path):
            return {}  # search answers carry no rate-limit headers
        return self._limits(remaining=99)

    @staticmethod
    def _limits(remaining: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Daily": "250000",
            "X-HubSpot-RateLimit-Daily-Remaining": "249000",
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": "100",
            "X-HubSpot-RateLimit-Remaining": str(remaining),
            "X-HubSpot-RateLimit-Secondly": "10",
            "X-HubSpot-RateLimit-Secondly-Remaining": str(min(remaining, 9)),
        }

    def routes(self) -> list[BaseRoute]:
        kinds = "{kind:str}"
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/v1/token", self.token_endpoint.endpoint, methods=["POST"]),
            Route("/account-info/v3/details", self.account, methods=["GET"]),
            Route(f"/crm/v3/properties/{kinds}", self.properties_list, methods=["GET"]),
            Route("/crm/v3/pipelines/deals", self.pipelines_list, methods=["GET"]),
            Route("/crm/v3/pipelines/deals/{pipeline_id:str}", self.pipeline_get, methods=["GET"]),
            Route("/crm/v3/owners", self.owners_list, methods=["GET"]),
            Route("/crm/v3/owners/{owner_id:str}", self.owner_get, methods=["GET"]),
            Route(f"/crm/v3/objects/{kinds}/search", self.search, methods=["POST"]),
            Route(f"/crm/v3/objects/{kinds}/batch/read", self.batch_read, methods=["POST"]),
            Route(f"/crm/v3/objects/{kinds}/batch/upsert", self.batch_upsert, methods=["POST"]),
            Route(f"/crm/v3/objects/{kinds}/merge", self.merge, methods=["POST"]),
            Route(f"/crm/v3/objects/{kinds}", self.list_objects, methods=["GET"]),
            Route(f"/crm/v3/objects/{kinds}", self.create, methods=["POST"]),
            Route(f"/crm/v3/objects/{kinds}/{{object_id:str}}", self.get, methods=["GET"]),
            Route(f"/crm/v3/objects/{kinds}/{{object_id:str}}", self.update, methods=["PATCH"]),
            Route(f"/crm/v3/objects/{kinds}/{{object_id:str}}", self.archive, methods=["DELETE"]),
            Route("/crm/v4/associations/{kind:str}/{target:str}/batch/read", self.links_batch, methods=["POST"]),
            Route("/crm/v4/objects/{kind:str}/{object_id:str}/associations/{target:str}", self.links_list),
            Route(
                "/crm/v4/objects/{kind:str}/{object_id:str}/associations/default/{target:str}/{target_id:str}",
                self.link_default,
                methods=["PUT"],
            ),
            Route(
                "/crm/v4/objects/{kind:str}/{object_id:str}/associations/{target:str}/{target_id:str}",
                self.unlink,
                methods=["DELETE"],
            ),
        ]

    # -- helpers --------------------------------------------------------------------------------------------------
    def _kind(self, request: Request) -> str | None:
        kind = str(request.path_params["kind"])
        return kind if kind in self.objects else None

    def live(self, kind: str, object_id: str) -> HObject | None:
        """The unarchived object with this id, or the record it was merged into."""
        object_id = self.aliases.get((kind, object_id), object_id)
        item = self.objects.get(kind, {}).get(object_id)
        return item if item is not None and not item.archived else None

    def retire(self, item: HObject, merged: HObject) -> None:
        """Archive a merged record without its associations; its id leads to ``merged`` from now on."""
        item.archived = True
        own = (item.kind, item.id)
        self.links = {link for link in self.links if own not in ((link[0], link[1]), (link[2], link[3]))}
        for key, target in list(self.aliases.items()):
            if key[0] == item.kind and target == item.id:
                self.aliases[key] = merged.id
        self.aliases[(item.kind, item.id)] = merged.id

    def known(self, kind: str) -> set[str]:
        return set(STANDARD[kind]) | set(self.custom[kind])

    def _derive(self, item: HObject) -> None:
        """The properties HubSpot computes: ids, timestamps, a deal's closed flags and probability, task completion."""
        p = item.properties
        p["hs_object_id"] = item.id
        p[CREATED.get(item.kind, "createdate")] = stamp(item.created)
        p[MODIFIED.get(item.kind, "hs_lastmodifieddate")] = stamp(item.updated)
        if item.kind == "deals":
            stage = self._stage(p.get("dealstage"))
            meta = stage["metadata"] if stage else {"isClosed": "false", "probability": None}
            p["pipeline"] = p.get("pipeline") or "default"
            p["hs_is_closed"] = meta["isClosed"]
            p["hs_is_closed_won"] = "true" if meta["isClosed"] == "true" and meta["probability"] == "1.0" else "false"
            p["hs_deal_stage_probability"] = meta["probability"]
        if item.kind == "tasks":
            done = p.get("hs_task_status") == "COMPLETED"
            p["hs_task_completion_date"] = (p.get("hs_task_completion_date") or stamp(item.updated)) if done else None

    def _stage(self, stage_id: Any) -> dict[str, Any] | None:
        return next((s for pl in self.pipelines for s in pl["stages"] if s["id"] == stage_id), None)

    def _names(self, request: Request) -> list[str] | None:
        asked = request.query_params.get("properties")
        return [n for n in asked.split(",") if n] if asked else None

    def _refuse(self, kind: str, properties: dict[str, Any], item: HObject | None) -> Response | None:
        """HubSpot's refusal of a write's properties, None when it accepts them."""
        for name, value in properties.items():
            if name not in self.known(kind):
                return invalid_property(name, "PROPERTY_DOESNT_EXIST", f'Property \\"{name}\\" does not exist')
            if name in READ_ONLY:
                return invalid_property(
                    name, "READ_ONLY_VALUE", f"{name} is a read only property; its value cannot be set."
                )
            if value is not None and not isinstance(value, str | int | float | bool):
                return invalid_property(name, "INVALID_OPTION", f"{value!r} is not a valid value")
            text = "" if value is None else str(value)
            if name == "email" and text and "@" not in text:
                return invalid_property(name, "INVALID_EMAIL", f"Email address {text} is invalid")
            if name == "hubspot_owner_id" and text and text not in self.owners:
                return invalid_property(name, "INVALID_OWNER_ID", f"{text} is not a valid owner id")
            if name == "pipeline" and text and all(p["id"] != text for p in self.pipelines):
                return invalid_property(name, "INVALID_OPTION", f"{text} was not one of the allowed options")
            if name == "dealstage" and text and self._stage(text) is None:
                return invalid_property(name, "INVALID_OPTION", f"{text} was not one of the allowed options")
            if name == "hs_task_status" and text and text not in TASK_STATUSES:
                return invalid_property(name, "INVALID_OPTION", f"{text} was not one of the allowed options")
            if name in DATETIMES and text and parse_moment(text) is None:
                return invalid_property(name, "INVALID_DATE", f"{text} is not a valid date")
            if name == "email" and text:
                twin = next(
                    (o for o in self.objects[kind].values() if o.properties.get("email") == text and not o.archived),
                    None,
                )
                if twin is not None and twin is not item:
                    return error(409, f"Contact already exists. Existing ID: {twin.id}", "CONFLICT")
        if kind == "notes" and item is None and not properties.get("hs_timestamp"):
            return invalid_property("hs_timestamp", "REQUIRED_PROPERTY", "hs_timestamp is required")
        return None

    def _apply(self, item: HObject, properties: dict[str, Any]) -> None:
        for name, value in properties.items():
            item.properties[name] = None if value in (None, "") else str(value)
        item.updated = datetime.now(UTC)
        self._derive(item)

    @staticmethod
    def _limit(request: Request, default: int, cap: int) -> int | Response:
        text = request.query_params.get("limit", str(default))
        if not text.isdigit() or not 1 <= int(text) <= cap:
            return error(400, f"limit must be between 1 and {cap}", "VALIDATION_ERROR")
        return int(text)

    @staticmethod
    def _page(
        items: list[Any], after: str | None, limit: int, key: Callable[[Any], str]
    ) -> tuple[list[Any], dict[str, Any]]:
        """A page starting at the item whose id is ``after``; ``paging.next.after`` names the next one."""
        start = next((n for n, item in enumerate(items) if key(item) == after), len(items)) if after else 0
        page = items[start : start + limit]
        paging = {"next": {"after": key(items[start + limit])}} if start + limit < len(items) else None
        return page, ({"paging": paging} if paging else {})

    # -- routes ---------------------------------------------------------------------------------------------------
    async def account(self, request: Request) -> Response:
        return JSONResponse(
            {
                "portalId": PORTAL_ID,
                "accountType": "STANDARD",
                "timeZone": "US/Eastern",
                "companyCurrency": "USD",
                "additionalCurrencies": [],
                "utcOffset": "-05:00",
                "utcOffsetMilliseconds": -18000000,
                "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            }
        )

    async def properties_list(self, request: Request) -> Response:
        kind = self._kind(request)
        if kind is None:
            return error(400, f"Unable to infer object type from: {request.path_params['kind']}", "VALIDATION_ERROR")
        standard = [property_definition(kind, name, False) for name in STANDARD[kind]]
        custom = [property_definition(kind, name, True, of) for name, of in self.custom[kind].items()]
        return JSONResponse({"results": standard + custom})

    async def pipelines_list(self, request: Request) -> Response:
        return JSONResponse({"results": self.pipelines})

    async def pipeline_get(self, request: Request) -> Response:
        found = next((p for p in self.pipelines if p["id"] == request.path_params["pipeline_id"]), None)
        return JSONResponse(found) if found else not_found()

    async def owners_list(self, request: Request) -> Response:
        limit = self._limit(request, 100, 500)
        if isinstance(limit, Response):
            return limit
        archived = request.query_params.get("archived") == "true"
        owners = [o for o in self.owners.values() if o.archived == archived]
        page, paging = self._page(owners, request.query_params.get("after"), limit, lambda o: o.id)
        return JSONResponse({"results": [o.json() for o in page], **paging})

    async def owner_get(self, request: Request) -> Response:
        owner = self.owners.get(request.path_params["owner_id"])
        return JSONResponse(owner.json()) if owner else not_found()

    async def list_objects(self, request: Request) -> Response:
        kind = self._kind(request)
        limit = self._limit(request, 10, 100)
        if kind is None:
            return not_found()
        if isinstance(limit, Response):
            return limit
        archived = request.query_params.get("archived") == "true"
        items = [o for o in self.objects[kind].values() if o.archived == archived]
        page, paging = self._page(items, request.query_params.get("after"), limit, lambda o: o.id)
        names = self._names(request)
        return JSONResponse({"results": [o.json(names) for o in page], **paging})

    async def get(self, request: Request) -> Response:
        kind = self._kind(request)
        item = self.live(kind, request.path_params["object_id"]) if kind else None
        return JSONResponse(item.json(self._names(request))) if item else not_found()

    async def create(self, request: Request) -> Response:
        kind = self._kind(request)
        if kind is None:
            return not_found()
        properties = dict((await request.json()).get("properties") or {})
        refused = self._refuse(kind, properties, None)
        if refused is not None:
            return refused
        item = self.add(kind)
        self._apply(item, properties)
        return JSONResponse(item.json(list(properties)), 201)

    async def update(self, request: Request) -> Response:
        kind = self._kind(request)
        item = self.live(kind, request.path_params["object_id"]) if kind else None
        if kind is None or item is None:
            return not_found()
        properties = dict((await request.json()).get("properties") or {})
        refused = self._refuse(kind, properties, item)
        if refused is not None:
            return refused
        self._apply(item, properties)
        return JSONResponse(item.json(list(properties)))

    async def archive(self, request: Request) -> Response:
        kind = self._kind(request)
        item = self.live(kind, request.path_params["object_id"]) if kind else None
        if item is not None:
            item.archived = True
            self.links = {
                link
                for link in self.links
                if (link[0], link[1]) != (kind, item.id) and (link[2], link[3]) != (kind, item.id)
            }
        return Response(status_code=204)  # HubSpot answers 204 for an unknown id too

    async def batch_read(self, request: Request) -> Response:
        kind = self._kind(request)
        if kind is None:
            return not_found()
        body = await request.json()
        ids = [str(i.get("id")) for i in body.get("inputs") or []]
        if len(ids) > 100:
            return error(400, "Batch input cannot contain more than 100 inputs.", "VALIDATION_ERROR")
        found = [item for i in ids if (item := self.live(kind, i))]
        answer: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [o.json(list(body.get("properties") or []) or None) for o in found],
            "startedAt": stamp(),
            "completedAt": stamp(),
        }
        missing = [i for i in ids if not self.live(kind, i)]
        if missing:
            message = f"Could not get some {kind[:-1].upper()} objects, they may be deleted or not exist."
            answer.update(
                numErrors=1,
                errors=[
                    {"status": "error", "category": "OBJECT_NOT_FOUND", "message": message, "context": {"ids": missing}}
                ],
            )
        return JSONResponse(answer, 207 if missing else 200)

    async def batch_upsert(self, request: Request) -> Response:
        kind = self._kind(request)
        if kind != "contacts":
            return error(400, "idProperty must be a unique property of the object", "VALIDATION_ERROR")
        results = []
        for entry in (await request.json()).get("inputs") or []:
            if entry.get("idProperty") != "email":
                return error(400, f"{entry.get('idProperty')} is not a unique property", "VALIDATION_ERROR")
            email = str(entry.get("id") or "")
            properties = {**dict(entry.get("properties") or {}), "email": email}
            item = next(
                (o for o in self.objects[kind].values() if o.properties.get("email") == email and not o.archived), None
            )
            refused = self._refuse(kind, properties, item)
            if refused is not None:
                return refused
            new = item is None
            item = item or self.add(kind)
            self._apply(item, properties)
            results.append({**item.json(list(properties)), "new": new})
        return JSONResponse({"status": "COMPLETE", "results": results, "startedAt": stamp(), "completedAt": stamp()})

    async def merge(self, request: Request) -> Response:
        return await merge_objects(self, request)

    async def search(self, request: Request) -> Response:
        kind = self._kind(request)
        if kind is None:
            return not_found()
        body = await request.json()
        limit = body.get("limit", 10)
        if not isinstance(limit, int) or not 1 <= limit <= 200:
            return error(400, "limit must be between 1 and 200", "VALIDATION_ERROR")
        groups = body.get("filterGroups") or []
        for group in groups:
            for rule in group.get("filters") or []:
                if rule.get("propertyName") not in self.known(kind):
                    return error(
                        400,
                        f"There was a problem with the request. Unknown property {rule.get('propertyName')}",
                        "VALIDATION_ERROR",
                    )
        items = [
            o
            for o in self.objects[kind].values()
            if not o.archived and (not groups or any(self._group(o, g) for g in groups))
        ]
        for sort in (body.get("sorts") or [])[:1]:
            name = sort.get("propertyName", "hs_object_id")
            items.sort(key=lambda o: self._sort_key(o, name), reverse=sort.get("direction") == "DESCENDING")
        after = str(body.get("after") or "0")
        start = int(after) if after.isdigit() else 0
        page = items[start : start + limit]
        answer: dict[str, Any] = {
            "total": len(items),
            "results": [o.json(body.get("properties") or None) for o in page],
        }
        if start + limit < len(items):
            answer["paging"] = {"next": {"after": str(start + limit), "link": f"?after={start + limit}"}}
        return JSONResponse(answer)

    @staticmethod
    def _sort_key(item: HObject, name: str) -> tuple[int, Any]:
        value = item.properties.get(name)
        moment = parse_moment(value) if name in DATETIMES else None
        return (0, moment.timestamp()) if moment else (0, int(value)) if (value or "").isdigit() else (1, value or "")

    def _group(self, item: HObject, group: dict[str, Any]) -> bool:
        return all(self._rule(item, rule) for rule in group.get("filters") or [])

    @staticmethod
    def _rule(item: HObject, rule: dict[str, Any]) -> bool:
        name, operator = rule.get("propertyName"), rule.get("operator", "EQ")
        value = item.properties.get(str(name))
        if operator == "HAS_PROPERTY":
            return value is not None
        if operator == "NOT_HAS_PROPERTY":
            return value is None
        if operator in ("IN", "NOT_IN"):
            inside = str(value).lower() in [str(v).lower() for v in rule.get("values") or []]
            return inside == (operator == "IN") and (value is not None or operator == "NOT_IN")
        wanted = rule.get("value")
        if name in DATETIMES:
            left, right = parse_moment(value), parse_moment(wanted)
            if left is None or right is None:
                return operator == "NEQ"
            compare: tuple[Any, Any] = (left, right)
        else:
            compare = (str(value or "").lower(), str(wanted or "").lower())
        a, b = compare
        return {"EQ": a == b, "NEQ": a != b, "GT": a > b, "GTE": a >= b, "LT": a < b, "LTE": a <= b}.get(
            str(operator), False
        )

    # -- v4 associations ------------------------------------------------------------------------------------------
    def _targets(self, kind: str, object_id: str, target: str) -> list[str]:
        return sorted((t for k, i, tk, t in self.links if (k, i, tk) == (kind, object_id, target)), key=int)

    def _to(self, kind: str, target: str, ids: list[str]) -> list[dict[str, Any]]:
        kinds = [{"category": "HUBSPOT_DEFINED", "typeId": TYPE_IDS.get((kind, target), 1), "label": None}]
        return [{"toObjectId": int(t), "associationTypes": kinds} for t in ids]

    async def links_list(self, request: Request) -> Response:
        kind, target, object_id = (
            request.path_params["kind"],
            request.path_params["target"],
            request.path_params["object_id"],
        )
        if kind not in self.objects or target not in self.objects:
            return error(400, f"Unable to infer object type from: {target}", "VALIDATION_ERROR")
        if self.live(kind, object_id) is None:
            return not_found()
        limit = self._limit(request, 500, 500)
        if isinstance(limit, Response):
            return limit
        ids = self._targets(kind, object_id, target)
        page, paging = self._page(ids, request.query_params.get("after"), limit, lambda t: t)
        return JSONResponse({"results": self._to(kind, target, page), **paging})

    async def links_batch(self, request: Request) -> Response:
        kind, target = request.path_params["kind"], request.path_params["target"]
        if kind not in self.objects or target not in self.objects:
            return error(400, f"Unable to infer object type from: {target}", "VALIDATION_ERROR")
        ids = [str(i.get("id")) for i in (await request.json()).get("inputs") or []]
        results = [
            {"from": {"id": i}, "to": self._to(kind, target, found)}
            for i in ids
            if (found := self._targets(kind, i, target))
        ]
        lonely = [i for i in ids if not self._targets(kind, i, target)]
        answer: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": stamp(),
            "completedAt": stamp(),
        }
        if lonely:
            answer.update(
                numErrors=len(lonely),
                errors=[
                    {
                        "status": "error",
                        "category": "OBJECT_NOT_FOUND",
                        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                        "message": f"No {target} is associated with {kind} {i}.",
                        "context": {"fromObjectId": [i]},
                    }
                    for i in lonely
                ],
            )
        return JSONResponse(answer, 207 if lonely else 200)

    async def link_default(self, request: Request) -> Response:
        p = request.path_params
        source, target = self.live(p["kind"], p["object_id"]), self.live(p["target"], p["target_id"])
        if source is None or target is None:
            return error(
                404,
                f"No {p['target'] if source else p['kind']} with id {p['target_id'] if source else p['object_id']}",
                "OBJECT_NOT_FOUND",
            )
        self.link(source, target)
        result = {
            "fromObjectTypeId": source.kind,
            "fromObjectId": int(source.id),
            "toObjectTypeId": target.kind,
            "toObjectId": int(target.id),
            "associationTypeId": TYPE_IDS.get((source.kind, target.kind), 1),
        }
        return JSONResponse({"status": "COMPLETE", "results": [result], "startedAt": stamp(), "completedAt": stamp()})

    async def unlink(self, request: Request) -> Response:
        p = request.path_params
        self.links -= {
            (p["kind"], p["object_id"], p["target"], p["target_id"]),
            (p["target"], p["target_id"], p["kind"], p["object_id"]),
        }
        return Response(status_code=204)
