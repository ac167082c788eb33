"""A dashboard client (no API key, cookies kept) over the app of the shared ``gateway`` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from gateway.runtime import Gateway


@pytest.fixture
async def browser(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(gateway), client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test") as client:
        yield client
