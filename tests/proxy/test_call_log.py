"""Every proxied call is logged (never with secrets), readable through GET /logs."""

from __future__ import annotations

import httpx


async def test_calls_are_logged_and_paged(proxy_client: httpx.AsyncClient) -> None:
    await proxy_client.get("/proxy/one", params={"token": "QUERY_SECRET"})
    await proxy_client.get("/proxy/status/404")
    await proxy_client.get("/proxy/flaky", params={"key": "z", "fail": "1"}, headers={"Retries": "2"})
    response = await proxy_client.get(
        "/logs", params={"limit": 2}, headers={"Connection-Id": "", "Provider-Config-Key": ""}
    )
    assert response.status_code == 200, response.text
    first = response.json()
    assert [entry["path"] for entry in first["logs"]] == ["/flaky", "/status/404"]
    assert first["logs"][0]["attempts"] == 2 and first["logs"][0]["status"] == 200
    assert first["logs"][1]["status"] == 404 and first["logs"][1]["integration"] == "echo"
    rest = (await proxy_client.get("/logs", params={"cursor": first["next_cursor"]})).json()
    assert [entry["path"] for entry in rest["logs"]] == ["/one"] and rest["next_cursor"] is None
    errors = (await proxy_client.get("/logs", params={"errors_only": "true"})).json()["logs"]
    assert [entry["status"] for entry in errors] == [404]
    text = str(first) + str(rest)
    assert "QUERY_SECRET" not in text and "k-123" not in text


async def test_gateway_failures_are_logged_with_their_cause(proxy_client: httpx.AsyncClient) -> None:
    await proxy_client.get("/proxy/slow", params={"seconds": "3"})
    entry = (await proxy_client.get("/logs")).json()["logs"][0]
    assert entry["status"] == 504 and entry["error"] == "upstream_timeout"
