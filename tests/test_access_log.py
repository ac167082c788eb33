from __future__ import annotations

import json
import logging

import httpx
import pytest

from gateway.access_log import JsonFormatter
from gateway.runtime import Gateway


async def test_one_line_per_request_without_secrets(
    client: httpx.AsyncClient, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
    await client.post(
        "/connections",
        json={
            "provider_config_key": "lin",
            "connection_id": "c1",
            "credentials": {"type": "API_KEY", "apiKey": "lin_api_SECRET"},
        },
    )
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="unigate.request"):
        await client.get("/connections/c1", params={"provider_config_key": "lin"})
        await client.get("/connections/c1", params={"provider_config_key": "lin", "token": "QUERY_SECRET"})
        await client.get(
            "/connections/c1",
            headers={"Authorization": "Bearer WRONG_KEY"},
            params={"provider_config_key": "lin"},
        )
    records = [r for r in caplog.records if r.name == "unigate.request"]
    assert len(records) == 3
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    assert {k: lines[0][k] for k in ("method", "path", "status", "connection")} == {
        "method": "GET",
        "path": "/connections/c1",
        "status": 200,
        "connection": "c1",
    }
    assert [line["status"] for line in lines] == [200, 400, 401] and lines[0]["duration_ms"] >= 0
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    for secret in ("lin_api_SECRET", "QUERY_SECRET", "WRONG_KEY", gateway.secrets.secret_key):
        assert secret not in text
