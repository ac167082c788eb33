"""HubSpot's CRM objects API (``/crm/v3/objects/{type}``): list, search, batch read, get, write, delete, upsert.

Objects are ``{"id", "properties": {name: string or null}, "createdAt", "updatedAt", "archived"}``; a read names the
properties it wants (``properties``). Custom properties are told apart by the properties API
(``/crm/v3/properties/{type}``: ``hubspotDefined`` is true only for HubSpot's own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gateway.provider import ListQuery, ProviderContext, paginate
from unigate_hubspot.common import CRM, ERRORS, MAX_PAGE, MAX_SEARCH_PAGE, check, numeric_id

Filter = dict[str, Any]  # one search filter: {"propertyName", "operator", "value" | "values"}


@dataclass(frozen=True)
class Kind:
    """One HubSpot object type: its path name, what a message calls one, the properties read and linked types."""

    name: str  # contacts, companies, deals, notes, tasks
    what: str  # contact, company, ...
    properties: tuple[str, ...]
    links: tuple[str, ...] = ()
    modified: str = "hs_lastmodifieddate"  # contacts: lastmodifieddate


async def custom_names(ctx: ProviderContext, kind: Kind) -> frozenset[str]:
    """Names of the type's custom properties (``hubspotDefined`` not true), from the properties API."""
    response = await ctx.http.get(f"/crm/v3/properties/{kind.name}")
    check(ctx, response, f"listing the properties of {kind.name}")
    results = response.json().get("results") or []
    return frozenset(
        str(p["name"]) for p in results if isinstance(p, dict) and p.get("name") and p.get("hubspotDefined") is not True
    )


def wanted(kind: Kind, custom: Iterable[str]) -> list[str]:
    return sorted({*kind.properties, *custom})


async def list_records(
    ctx: ProviderContext, kind: Kind, query: ListQuery, properties: list[str], filters: list[Filter]
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the type's objects: ``GET`` the list without filters, else ``POST …/search`` with them."""
    operation = f"listing {kind.name}"
    if not filters:
        page = await paginate(
            ctx,
            f"{CRM}/{kind.name}",
            query,
            params={"properties": ",".join(properties)},
            override={"max_page_size": MAX_PAGE},
            operation=operation,
            errors=ERRORS,
        )
        return [item for item in page.items if isinstance(item, dict)], page.next_cursor
    body: dict[str, Any] = {
        "filterGroups": [{"filters": filters}],
        "properties": properties,
        "limit": min(query.page_size, MAX_SEARCH_PAGE),
        "sorts": [{"propertyName": kind.modified, "direction": "ASCENDING"}],
    }
    if query.cursor:
        body["after"] = query.cursor
    response = await ctx.http.post(f"{CRM}/{kind.name}/search", json=body)
    check(ctx, response, operation)
    answer = response.json()
    items = [item for item in answer.get("results") or [] if isinstance(item, dict)]
    following = ((answer.get("paging") or {}).get("next") or {}).get("after")
    return items, str(following) if items and following else None


async def read_records(ctx: ProviderContext, kind: Kind, ids: list[str], properties: list[str]) -> list[dict[str, Any]]:
    """The objects with these ids, in that order (missing ones left out), by ``POST …/batch/read``."""
    if not ids:
        return []
    body = {"properties": properties, "inputs": [{"id": i} for i in ids]}
    response = await ctx.http.post(f"{CRM}/{kind.name}/batch/read", json=body)
    check(ctx, response, f"reading {kind.name}")
    found = {str(r.get("id")): r for r in response.json().get("results") or [] if isinstance(r, dict)}
    return [found[i] for i in ids if i in found]


async def get_record(ctx: ProviderContext, kind: Kind, remote_id: str, properties: list[str]) -> dict[str, Any]:
    response = await ctx.http.get(
        f"{CRM}/{kind.name}/{numeric_id(remote_id)}", params={"properties": ",".join(properties)}
    )
    check(ctx, response, f"getting {kind.what} {remote_id}")
    record: dict[str, Any] = response.json()
    return record


async def write_record(ctx: ProviderContext, kind: Kind, remote_id: str | None, properties: dict[str, Any]) -> str:
    """Create (no id) or update the object's properties; its id."""
    if remote_id is None:
        response = await ctx.http.post(f"{CRM}/{kind.name}", json={"properties": properties})
        check(ctx, response, f"creating a {kind.what}")
    else:
        response = await ctx.http.patch(f"{CRM}/{kind.name}/{numeric_id(remote_id)}", json={"properties": properties})
        check(ctx, response, f"updating {kind.what} {remote_id}")
    return str(response.json()["id"])


async def delete_record(ctx: ProviderContext, kind: Kind, remote_id: str) -> None:
    """Archive the object (HubSpot keeps archived objects 90 days in its recycle bin)."""
    response = await ctx.http.delete(f"{CRM}/{kind.name}/{numeric_id(remote_id)}")
    check(ctx, response, f"deleting {kind.what} {remote_id}")


async def upsert_by(ctx: ProviderContext, kind: Kind, id_property: str, value: str, properties: dict[str, Any]) -> str:
    """``POST …/batch/upsert`` one object matched by a unique property (``email`` for contacts); its id."""
    item = {"idProperty": id_property, "id": value, "properties": properties}
    response = await ctx.http.post(f"{CRM}/{kind.name}/batch/upsert", json={"inputs": [item]})
    check(ctx, response, f"upserting the {kind.what} with {id_property} {value}")
    return str(response.json()["results"][0]["id"])


async def find_id(ctx: ProviderContext, kind: Kind, name: str, value: str) -> str | None:
    """The id of the oldest object whose property ``name`` equals ``value``, by search; None if there is none."""
    body = {
        "filterGroups": [{"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}],
        "properties": [name],
        "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
        "limit": 1,
    }
    response = await ctx.http.post(f"{CRM}/{kind.name}/search", json=body)
    check(ctx, response, f"looking up the {kind.what} with {name} {value}")
    results = response.json().get("results") or []
    return str(results[0]["id"]) if results else None
