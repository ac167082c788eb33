"""The calls of the records cache and syncs: ``GET /records``, ``POST /sync/trigger``, ``GET /sync/status``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from gateway.client.calls import Call


def records_page(
    headers: Mapping[str, str], model: str, cursor: str | None, limit: int, modified_after: str | None
) -> Call[tuple[list[dict[str, Any]], str | None]]:
    params = {"model": model, "limit": limit, "cursor": cursor, "modified_after": modified_after}

    def parse(response: httpx.Response) -> tuple[list[dict[str, Any]], str | None]:
        body = response.json()
        return list(body["records"]), body["next_cursor"]

    return Call("GET", "/records", parse, params={k: v for k, v in params.items() if v is not None}, headers=headers)


def trigger(headers: Mapping[str, str], syncs: Sequence[str], reset: bool) -> Call[bool]:
    body: dict[str, Any] = {
        "syncs": list(syncs),
        "provider_config_key": headers["Provider-Config-Key"],
        "connection_id": headers["Connection-Id"],
    }
    if reset:
        body["opts"] = {"reset": True}
    return Call("POST", "/sync/trigger", lambda r: bool(r.json()["success"]), json=body)


def status(headers: Mapping[str, str], syncs: Sequence[str]) -> Call[list[dict[str, Any]]]:
    params = {
        "syncs": ",".join(syncs) or "*",
        "provider_config_key": headers["Provider-Config-Key"],
        "connection_id": headers["Connection-Id"],
    }
    return Call("GET", "/sync/status", lambda r: list(r.json()["syncs"]), params=params)
