"""A proxied upload that stalls is answered 408 (``UNIGATE_BODY_TIMEOUT``), whether buffered or streamed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import error_of


async def stalling_body() -> AsyncIterator[bytes]:
    yield b"first part"
    await asyncio.sleep(2)  # past the body timeout of 0.3 s
    yield b"never read"


@pytest.mark.parametrize("proxy_client", [{"body_timeout": 0.3}], indirect=True)
@pytest.mark.parametrize("declared", [{"content-length": "20"}, {}], ids=["buffered", "streamed"])
async def test_stalled_upload_is_408(proxy_client: httpx.AsyncClient, declared: dict[str, str]) -> None:
    response = await proxy_client.post("/proxy/anything", content=stalling_body(), headers=declared)
    assert response.status_code == 408, response.text
    assert error_of(response)["code"] == "request_timeout"
