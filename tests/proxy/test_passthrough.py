"""What crosses the proxy each way: path, query, body and the right headers, and nothing else."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from gateway.runtime import Gateway
from gateway.store.tables import Connection
from tests.conftest import error_of
from tests.proxy.conftest import write_catalog
from tests.proxy.upstream import EchoUpstream
from tests.servers import running_server, unigate_env


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


NON_ASCII = "Zoë Ångström – 東京 🚀".encode()


def forwarded(echo: EchoUpstream, name: bytes) -> list[bytes]:
    return [value for key, value in echo.raw_headers[-1] if key == name]


async def test_non_ascii_header_values_reach_the_upstream_as_sent(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    response = await proxy_client.get(
        "/proxy/x", headers={"Nango-Proxy-X-Name": NON_ASCII, "Nango-Proxy-X-Tab": b"a\tb", "Nango-Proxy-X-Plain": b"p"}
    )
    assert response.status_code == 200, response.text
    assert forwarded(upstream[0], b"x-name") == [NON_ASCII]
    assert forwarded(upstream[0], b"x-tab") == [b"a\tb"] and forwarded(upstream[0], b"x-plain") == [b"p"]


def test_non_ascii_header_values_cross_a_real_server_unchanged(
    upstream: tuple[EchoUpstream, str], database_url: str, tmp_path: Path
) -> None:
    """Through ``unigate serve``: its HTTP server's parsing, then the proxy, then the upstream's parsing."""
    catalog = write_catalog(tmp_path / "echo.yaml", upstream[1])
    env = unigate_env(
        tmp_path / "data", database_url, UNIGATE_PROVIDERS_FILES=str(catalog), UNIGATE_ALLOW_PRIVATE_HOSTS="true"
    )
    with (
        running_server(env) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.secret_key}"}) as client,
    ):
        assert client.post("/integrations", json={"provider": "echo-api", "unique_key": "echo"}).is_success
        credentials = {"type": "API_KEY", "apiKey": "k-1"}
        body = {"provider_config_key": "echo", "connection_id": "c1", "credentials": credentials}
        assert client.post("/connections", json=body).status_code == 201
        headers = {"Connection-Id": "c1", "Provider-Config-Key": "echo", "Nango-Proxy-X-Name": NON_ASCII}
        response = client.get("/proxy/x", headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert forwarded(upstream[0], b"x-name") == [NON_ASCII]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (b"a\x00b", "control character"),
        (b"a\rb", "control character"),
        (b"a\nX-Injected: 1", "control character"),
        (b"a\x7fb", "control character"),
        (b"caf\xe9", "not UTF-8"),
    ],
)
async def test_header_values_that_cannot_be_sent_as_they_are_are_refused(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str], value: bytes, why: str
) -> None:
    response = await proxy_client.get("/proxy/x", headers={"Nango-Proxy-X-Name": value})
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_headers"
    assert error["message"].startswith("nango-proxy-x-name: ") and why in error["message"]
    assert sum(upstream[0].hits.values()) == 0


async def test_token_with_a_line_break_stored_earlier_is_a_400_not_a_500(
    proxy_client: httpx.AsyncClient, upstream: tuple[EchoUpstream, str]
) -> None:
    """Imports refuse such tokens; one stored before that (or by a provider's refresh) is refused at call time."""
    gateway: Gateway = proxy_client.gateway  # type: ignore[attr-defined]
    assert (await proxy_client.post("/integrations", json={"provider": "github", "unique_key": "gh"})).is_success
    body = {
        "provider_config_key": "gh",
        "connection_id": "old",
        "credentials": {"type": "OAUTH2", "access_token": "gho_ok", "no_expiration": True},
    }
    assert (await proxy_client.post("/connections", json=body)).status_code == 201
    stored = gateway.vault.seal(Connection, "credentials", {"type": "OAUTH2", "access_token": "gho_a\r\nX-Injected: 1"})
    async with gateway.sessions() as session:
        await session.exec(update(Connection).where(Connection.connection_id == "old").values(credentials=stored))  # type: ignore[call-overload, arg-type]
        await session.commit()
    gateway.live.invalidate()
    response = await proxy_client.get(
        "/proxy/x", headers={"Connection-Id": "old", "Provider-Config-Key": "gh", "Base-Url-Override": upstream[1]}
    )
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_connection_config"
    assert "credentials.access_token: contains a line break" in error["message"]
    assert sum(upstream[0].hits.values()) == 0
