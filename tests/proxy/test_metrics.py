"""``GET /metrics`` after proxied calls: requests by route template, provider calls by outcome, retries, the cache."""

from __future__ import annotations

import httpx

from tests.metrics_text import sample
from tests.proxy.upstream import EchoUpstream


async def metrics(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_proxied_calls_are_counted_by_provider_and_outcome(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    before = await metrics(proxy_client)
    assert (await proxy_client.get("/proxy/things/1")).status_code == 200
    assert (await proxy_client.get("/proxy/things/2")).status_code == 200
    assert (await proxy_client.get("/proxy/status/404")).status_code == 404
    retried = await proxy_client.get("/proxy/flaky", params={"key": "m", "fail": "1"}, headers={"Retries": "2"})
    assert retried.status_code == 200
    assert (await proxy_client.get("/connections/c1", params={"provider_config_key": "echo"})).status_code == 200
    after = await metrics(proxy_client)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    route = "/proxy/{path}"
    assert grew("unigate_http_requests_total", route=route, method="GET", status="200") == 3
    assert grew("unigate_http_requests_total", route=route, method="GET", status="404") == 1
    assert grew("unigate_http_requests_total", route="/connections/{connection_id}", status="200") == 1
    assert grew("unigate_http_request_duration_seconds_count", route=route, method="GET") == 4
    assert grew("unigate_upstream_calls_total", provider="echo-api", outcome="ok") == 3
    assert grew("unigate_upstream_calls_total", provider="echo-api", outcome="client_error") == 1
    assert grew("unigate_upstream_call_duration_seconds_count", provider="echo-api") == 4
    assert grew("unigate_upstream_retries_total", provider="echo-api") == 1
    assert grew("unigate_connection_cache_lookups_total", result="hit") >= 3
    assert "things/1" not in after  # raw paths never become labels


async def test_metrics_need_the_secret_key(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get("/metrics", headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_auth_header"
