"""A ``ProviderContext`` whose client answers from a function (``httpx.MockTransport``), for the kit's unit tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from gateway.provider import ProviderContext

BASE = "https://api.example.test/v1"


def context(
    handler: Callable[[httpx.Request], httpx.Response], entry: dict[str, Any] | None = None
) -> tuple[ProviderContext, list[httpx.Request]]:
    """A context for provider ``example`` whose requests are recorded and answered by ``handler``."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    http = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(record))
    ctx = ProviderContext(
        provider="example",
        integration_key="ex",
        connection_id="c1",
        connection_config={},
        metadata={},
        http=http,
        catalog_entry={"display_name": "Example", **(entry or {})},
    )
    return ctx, seen
