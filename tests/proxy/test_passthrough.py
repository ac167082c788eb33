"""What crosses the proxy each way: path, query, body and the right headers, and nothing else."""

from __future__ import annotations

import gzip
import hashlib
import json

import httpx
import pytest

from tests.conftest import error_of


async def test_get_passes_path_query_and_headers(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get(
        "/proxy/repos/a%20b/issues",
        params={"state": "open", "per_page": "2"},
        headers={
            "Nango-Proxy-Accept": "application/vnd.test+json",
            "Nango-Proxy-X-Trace": "t1",
            "Cookie": "session=secret",
            "Nango-Proxy-Authorization": "Bearer stolen",
            "X-Other": "no",
            "Nango-Proxy-User-Agent": "caller-agent",
        },
    )
    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["path"] == "/base/repos/a%20b/issues"
    assert seen["query"] == "state=open&per_page=2&api_version=2"
    headers = seen["headers"]
    assert headers["authorization"] == "Bearer k-123"
    assert headers["accept"] == "application/vnd.test+json" and headers["x-trace"] == "t1"
    assert headers["user-agent"] == "unigate-test"
    for name in ("cookie", "connection-id", "provider-config-key", "x-other", "nango-proxy-accept"):
        assert name not in headers
    assert response.headers["link"] == '<https://example.test/next>; rel="next"'
    assert response.headers["x-upstream"] == "yes"
    assert "set-cookie" not in response.headers and "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_json_body_passes_unchanged(proxy_client: httpx.AsyncClient, method: str) -> None:
    raw = json.dumps({"title": "Printer on fire", "labels": ["bug"]}).encode()
    response = await proxy_client.request(
        method, "/proxy/items", content=raw, headers={"Content-Type": "application/json"}
    )
    seen = response.json()
    assert seen["method"] == method and seen["body_sha256"] == hashlib.sha256(raw).hexdigest()
    assert seen["headers"]["content-type"] == "application/json"


async def test_form_multipart_and_binary_bodies_pass_unchanged(proxy_client: httpx.AsyncClient) -> None:
    form = await proxy_client.post("/proxy/form", data={"a": "1", "b": "two words"})
    assert form.json()["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert form.json()["body_sha256"] == hashlib.sha256(b"a=1&b=two+words").hexdigest()
    multipart = await proxy_client.post("/proxy/upload", files={"file": ("a.bin", b"\x00\x01" * 500)})
    assert multipart.json()["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert multipart.json()["body_length"] > 1000
    blob = bytes(range(256)) * 4096
    binary = await proxy_client.put("/proxy/blob", content=blob, headers={"Content-Type": "application/octet-stream"})
    assert binary.json()["body_sha256"] == hashlib.sha256(blob).hexdigest()


async def test_upstream_errors_keep_status_and_body(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get("/proxy/status/404")
    assert response.status_code == 404 and response.json() == {"error": "status 404"}, response.text
    unprocessable = await proxy_client.post("/proxy/status/422", json={})
    assert unprocessable.status_code == 422 and unprocessable.json() == {"error": "status 422"}


async def test_large_download_streams_through(proxy_client: httpx.AsyncClient) -> None:
    size = 20 * 1024 * 1024
    digest, total = hashlib.sha256(), 0
    async with proxy_client.stream("GET", "/proxy/stream", params={"bytes": str(size)}) as response:
        assert response.status_code == 200
        async for chunk in response.aiter_raw():
            digest.update(chunk)
            total += len(chunk)
    assert total == size and digest.hexdigest() == hashlib.sha256(b"x" * size).hexdigest()


async def test_decompress_header(proxy_client: httpx.AsyncClient) -> None:
    async with proxy_client.stream("GET", "/proxy/gzip", headers={"Accept-Encoding": "identity"}) as raw:
        assert raw.headers["content-encoding"] == "gzip"  # passed through as the provider sent it
        assert json.loads(gzip.decompress(b"".join([c async for c in raw.aiter_raw()]))) == {"zipped": True}
    plain = await proxy_client.get("/proxy/gzip", headers={"Decompress": "true", "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == {"zipped": True}


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Connection-Id": ""}, 400, "invalid_headers"),
        ({"Provider-Config-Key": ""}, 400, "invalid_headers"),
        ({"Connection-Id": "nobody"}, 404, "unknown_connection"),
        ({"Provider-Config-Key": "nothing"}, 404, "unknown_connection"),
        ({"Retries": "many"}, 400, "invalid_headers"),
        ({"Retries": "\u00b2".encode("latin-1")}, 400, "invalid_headers"),  # isdigit() takes it, int() does not
        ({"Retries": "9" * 5000}, 400, "invalid_headers"),  # beyond int()'s digit limit
        ({"Retry-On": "4o4"}, 400, "invalid_headers"),
        ({"Base-Url-Override": "ftp://files.example.com"}, 400, "invalid_base_url_override"),
        ({"Base-Url-Override": "https://user:pw@example.com"}, 400, "invalid_base_url_override"),
    ],
)
async def test_bad_control_headers(
    proxy_client: httpx.AsyncClient, headers: dict[str, str | bytes], status: int, code: str
) -> None:
    response = await proxy_client.get("/proxy/x", headers=headers)
    assert response.status_code == status, response.text
    assert error_of(response)["code"] == code


async def test_needs_the_secret_key(proxy_client: httpx.AsyncClient) -> None:
    response = await proxy_client.get("/proxy/x", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


async def test_credentials_are_cached_off_the_database(
    proxy_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    gateway = proxy_client.gateway  # type: ignore[attr-defined]
    monkeypatch.setattr(gateway.live, "ttl", 300.0)  # a slow machine must not see a scheduled reload
    gateway.live.invalidate()
    await proxy_client.get("/proxy/warm")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(gateway.engine.sync_engine, "before_cursor_execute", count)
    try:
        for _ in range(20):
            assert (await proxy_client.get("/proxy/hot")).status_code == 200
    finally:
        event.remove(gateway.engine.sync_engine, "before_cursor_execute", count)
    assert [s for s in statements if "request_logs" not in s] == []
