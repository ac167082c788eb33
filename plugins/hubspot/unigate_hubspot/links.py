"""Associations between HubSpot objects through the v4 associations API (``/crm/v4/...``).

Reads: ``GET /crm/v4/objects/{from}/{id}/associations/{to}`` (``limit`` ≤ 500, ``after``; items
``{"toObjectId", "associationTypes"}``) and, for a page of objects,
``POST /crm/v4/associations/{from}/{to}/batch/read``.
Writes: ``PUT …/associations/default/{to}/{toId}`` links with the default type, ``DELETE …/associations/{to}/{toId}``
removes every association between the two.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import ProviderContext, ProviderError
from unigate_hubspot.common import CRM, check, numeric_id

V4 = "/crm/v4/objects"
MAX_LINKS_PAGE = 500


def _ids(items: Any) -> list[str]:
    return [str(i["toObjectId"]) for i in items or [] if isinstance(i, dict) and i.get("toObjectId") is not None]


async def linked_page(
    ctx: ProviderContext, source: str, source_id: str, target: str, limit: int, after: str | None
) -> tuple[list[str], str | None]:
    """One page of the ids of ``target`` objects associated with ``source`` object ``source_id``."""
    params = {"limit": str(min(limit, MAX_LINKS_PAGE)), **({"after": after} if after else {})}
    response = await ctx.http.get(f"{V4}/{source}/{numeric_id(source_id)}/associations/{target}", params=params)
    check(ctx, response, f"listing the {target} associated with {source} {source_id}")
    body = response.json()
    following = ((body.get("paging") or {}).get("next") or {}).get("after")
    return _ids(body.get("results")), str(following) if following else None


async def linked(ctx: ProviderContext, source: str, source_id: str, target: str) -> list[str]:
    """Every id of ``target`` objects associated with one object (all pages)."""
    ids, after = await linked_page(ctx, source, source_id, target, MAX_LINKS_PAGE, None)
    while after:
        more, after = await linked_page(ctx, source, source_id, target, MAX_LINKS_PAGE, after)
        ids += more
    return ids


async def linked_batch(ctx: ProviderContext, source: str, ids: list[str], target: str) -> dict[str, list[str]]:
    """For each of ``ids``, the ids of its associated ``target`` objects (one batch call)."""
    if not ids:
        return {}
    url = f"/crm/v4/associations/{source}/{target}/batch/read"
    response = await ctx.http.post(url, json={"inputs": [{"id": i} for i in ids]})
    check(ctx, response, f"reading the {target} associated with {source}")
    found: dict[str, list[str]] = {i: [] for i in ids}
    for result in response.json().get("results") or []:
        if isinstance(result, dict):
            origin = str((result.get("from") or {}).get("id"))
            found.setdefault(origin, []).extend(_ids(result.get("to")))
    return found


async def check_targets(ctx: ProviderContext, links: dict[str, list[str]]) -> None:
    """Refuse (422 naming the field) associations with objects HubSpot does not have, before anything is written."""
    for target, ids in links.items():
        wanted = [numeric_id(i, target) for i in dict.fromkeys(ids)]
        for start in range(0, len(wanted), 100):  # a batch read takes 100 ids
            chunk = wanted[start : start + 100]
            body = {"inputs": [{"id": i} for i in chunk], "properties": ["hs_object_id"]}
            response = await ctx.http.post(f"{CRM}/{target}/batch/read", json=body)
            check(ctx, response, f"checking the {target} to associate")
            found = {str(r.get("id")) for r in response.json().get("results") or [] if isinstance(r, dict)}
            missing = [i for i in chunk if i not in found]
            if missing:
                message = f"{target}: HubSpot has no {target} object {', '.join(missing)} to associate with"
                raise ProviderError(422, "invalid_request", message, field=target)


async def relink(ctx: ProviderContext, source: str, source_id: str, target: str, wanted: list[str]) -> None:
    """Make ``wanted`` the ``target`` objects associated with the object: add the missing, remove the others."""
    current = set(await linked(ctx, source, source_id, target))
    for target_id in [numeric_id(t, target) for t in wanted if t not in current]:
        url = f"{V4}/{source}/{source_id}/associations/default/{target}/{target_id}"
        response = await ctx.http.put(url)
        if response.status_code == 404:
            message = f"{target}: HubSpot has no {target} object {target_id} to associate {source} {source_id} with"
            raise ProviderError(422, "invalid_request", message, field=target)
        check(ctx, response, f"associating {source} {source_id} with {target} {target_id}")
    for target_id in sorted(current - set(wanted)):
        url = f"{V4}/{source}/{source_id}/associations/{target}/{target_id}"
        check(ctx, await ctx.http.delete(url), f"removing {target} {target_id} from {source} {source_id}")
