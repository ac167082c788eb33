"""Unified lists answered from the records cache (``?source=cache``): no provider call, no rate limit spent.

The same filters apply (on the synced objects), the same signed cursors (over the records' order, by last
modification), and objects a full sync saw disappear are listed with ``remote_was_deleted: true``. An object type
no sync feeds answers an empty list; ``GET /sync/status`` says how fresh the cache is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import orjson
from starlette.responses import Response

from gateway.api.endpoint import Call
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.unified.context import connection_headers
from gateway.unified.cursors import cursor_key, seal, unseal

SCAN_LIMIT = 20  # record pages read at most to fill one filtered page


def _contains(*fields: str) -> Callable[[dict[str, Any], str], bool]:
    """A filter true when any of ``fields`` equals the value or is a list holding it."""

    def test(item: dict[str, Any], value: str) -> bool:
        for name in fields:
            held = item.get(name)
            if held == value or (isinstance(held, list) and value in held):
                return True
        return False

    return test


def _email(item: dict[str, Any], value: str) -> bool:
    addresses = item.get("email_addresses") or []
    return any(str(a.get("email", "")).lower() == value.lower() for a in addresses if isinstance(a, dict))


def _modified_after(item: dict[str, Any], value: str) -> bool:
    stamp = item.get("remote_updated_at")
    return stamp is not None and datetime.fromisoformat(stamp) >= datetime.fromisoformat(value)


FILTERS: Mapping[str, Callable[[dict[str, Any], str], bool]] = {
    "modified_after": _modified_after,
    "status": _contains("status"),
    "collection_id": _contains("collections", "collection"),
    "assignee_id": _contains("assignees"),
    "ticket_id": _contains("ticket"),
    "email": _email,
    "domain": _contains("domain"),
    "company_id": _contains("companies", "company"),
    "contact_id": _contains("contacts", "contact"),
    "deal_id": _contains("deals", "deal"),
    "owner_id": _contains("owner"),
}


def _matches(item: dict[str, Any], filters: Mapping[str, str]) -> bool:
    return all(name not in FILTERS or FILTERS[name](item, value) for name, value in filters.items())


async def list_cached(
    call: Call[Any, Any], name: str, model: str, filters: dict[str, str], mapping: Mapping[str, str] | None
) -> Response:
    """One page of ``name`` from the records of the connection the headers name."""
    gateway: Gateway = call.request.app.state.gateway
    params = call.query
    key, connection_id = connection_headers(call.request)
    connection_pk = await gateway.live.stored_id(key, connection_id)
    scope = (key, connection_id, f"cache:{name}")
    secret = cursor_key(gateway.secrets.secret_key)
    records_cursor: str | None = None
    if params.cursor:
        records_cursor, kept = unseal(secret, *scope, params.cursor)
        if any(kept.get(k) != v for k, v in filters.items()):
            raise GatewayError(400, "invalid_cursor", "cursor: it continues a list with other filters; send it alone")
        filters = kept
    found: list[dict[str, Any]] = []
    more = False
    for _ in range(SCAN_LIMIT):
        page = await gateway.syncs.records.list(connection_pk, model, limit=params.page_size, cursor=records_cursor)
        for index, record in enumerate(page.records):
            meta = record.pop("_nango_metadata")
            records_cursor = meta["cursor"]
            record["remote_was_deleted"] = meta["last_action"] == "DELETED"
            if _matches(record, filters):
                found.append(record)
            if len(found) == params.page_size:
                more = index < len(page.records) - 1 or page.next_cursor is not None
                break
        if len(found) == params.page_size or page.next_cursor is None:
            break
    else:
        more = True  # read as much as one answer may: the cursor continues the scan
    unified = {remote: local for local, remote in (mapping or {}).items()}
    for item in found:
        if unified and isinstance(item.get("custom_fields"), dict):
            item["custom_fields"] = {unified.get(k, k): v for k, v in item["custom_fields"].items()}
        item["remote_data"] = None
    next_cursor = seal(secret, *scope, records_cursor, filters) if more and records_cursor else None
    body = orjson.dumps({"data": found, "next_cursor": next_cursor})
    return Response(body, media_type="application/json")
