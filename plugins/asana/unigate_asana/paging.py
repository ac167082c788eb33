"""Offset-token paging over one or more Asana list endpoints, with the query carried inside the cursor.

Asana's ``offset`` token only works with the query that produced it, and some unified lists read several
endpoints in turn (projects of each workspace), so the unified cursor holds the whole plan: the sources still
to read (path and parameters), the position in the current one, and any filter applied to the page afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from gateway.provider import ProviderContext, ProviderError
from unigate_asana.common import check, data_of

MAX_LIMIT = 100  # Asana's page size: 1-100


@dataclass
class Plan:
    """The endpoints a list reads, in order, and the filters the resource applies to what they return."""

    sources: list[tuple[str, dict[str, str]]]
    keep: dict[str, str] = field(default_factory=dict)
    index: int = 0
    offset: str | None = None

    def cursor(self) -> str:
        return json.dumps({"s": self.sources, "k": self.keep, "i": self.index, "o": self.offset}, separators=(",", ":"))

    @classmethod
    def from_cursor(cls, cursor: str) -> Plan:
        try:
            state = json.loads(cursor)
            sources = [(str(path), {str(k): str(v) for k, v in params.items()}) for path, params in state["s"]]
            keep = {str(k): str(v) for k, v in state["k"].items()}
            offset = state["o"]
            plan = cls(sources, keep, int(state["i"]), None if offset is None else str(offset))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ProviderError(400, "invalid_cursor", "cursor: not an Asana list position; start without it") from None
        if not all(path.startswith("/") for path, _ in plan.sources):
            raise ProviderError(400, "invalid_cursor", "cursor: not an Asana list position; start without it")
        return plan


async def read_page(
    ctx: ProviderContext, plan: Plan, page_size: int, what: str
) -> tuple[list[tuple[int, dict[str, Any]]], str | None]:
    """Up to ``page_size`` records (with the index of the source each came from) and the next cursor.

    Reads on through the sources until the page is full; the cursor is None once the last source is exhausted.
    """
    items: list[tuple[int, dict[str, Any]]] = []
    while plan.index < len(plan.sources) and len(items) < page_size:
        path, params = plan.sources[plan.index]
        limit = min(page_size - len(items), MAX_LIMIT)
        sent = {**params, "limit": str(limit), **({"offset": plan.offset} if plan.offset else {})}
        response = await ctx.http.get(path, params=sent)
        check(ctx, response, f"listing {what}")
        records = data_of(response) or []
        items += [(plan.index, record) for record in records if isinstance(record, dict)]
        following = (response.json().get("next_page") or {}).get("offset")
        plan.offset = str(following) if following else None
        if plan.offset is None:
            plan.index += 1
    return items, plan.cursor() if plan.index < len(plan.sources) else None


async def workspace_gids(ctx: ProviderContext) -> list[str]:
    """The connection's workspaces: stored by ``post_connection``, else looked up (and kept for this call)."""
    known = ctx.connection_config.get("workspaces")
    if isinstance(known, list) and known:
        return [str(w) for w in known]
    response = await ctx.http.get("/workspaces", params={"limit": str(MAX_LIMIT)})
    check(ctx, response, "workspaces")
    found = [str(w["gid"]) for w in data_of(response) or [] if isinstance(w, dict) and w.get("gid")]
    if not found:
        raise ProviderError(502, "upstream_error", "the Asana connection cannot see any workspace")
    ctx.connection_config["workspaces"] = found
    return found
