"""The guarded outbound transport: schemes, literal and resolved internal addresses, redirects, shared sessions."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from httpx_aiohttp import AiohttpTransport
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.errors import GatewayError
from gateway.settings import Settings
from gateway.testing.loopback import run_app
from gateway.upstream.guarded import ForbiddenHostError, GuardedTransport, check_url, guarded_client
from gateway.upstream.sessions import UpstreamSessions
from gateway.upstream.ssrf import check_host, is_internal

PUBLIC = "http://93.184.216.34"  # a public literal address: only ever handed to a mock transport here


class Recorder:
    """An inner transport for pure unit tests: records what would have been sent, answers ``answer``."""

    def __init__(self, answer: httpx.Response | None = None) -> None:
        self.sent: list[str] = []
        self.answer = answer or httpx.Response(200, json={"ok": True})

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(str(request.url))
        return self.answer


def mocked(recorder: Recorder, allow_private: bool = False) -> httpx.AsyncClient:
    return guarded_client(GuardedTransport(httpx.MockTransport(recorder.handler), allow_private))


@pytest.mark.parametrize("allow_private", [False, True])
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://93.184.216.34/x", "gopher://93.184.216.34/"])
async def test_only_http_and_https_are_sent(url: str, allow_private: bool) -> None:
    recorder = Recorder()
    async with mocked(recorder, allow_private) as client:
        with pytest.raises(ForbiddenHostError, match="only http and https requests") as refused:
            await client.get(url)
    assert recorder.sent == []
    assert refused.value.status_code == 400 and refused.value.code == "forbidden_host"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/token",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # CGNAT
        "http://224.0.0.1/",  # multicast
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "https://localhost:3003/",
        "https://api.localhost/",
    ],
)
async def test_internal_hosts_are_refused_before_sending(url: str) -> None:
    recorder = Recorder()
    async with mocked(recorder) as client:
        with pytest.raises(ForbiddenHostError) as refused:
            await client.post(url, data={"grant_type": "client_credentials"})
    assert recorder.sent == []
    message = refused.value.message
    assert message.startswith("Unigate may not call this host: ") and "UNIGATE_ALLOW_PRIVATE_HOSTS" in message


async def test_a_public_host_is_sent_and_redirects_are_not_followed() -> None:
    recorder = Recorder(httpx.Response(302, headers={"location": "http://127.0.0.1:8080/admin"}))
    async with mocked(recorder) as client:
        answer = await client.get(f"{PUBLIC}/oauth/token")
    assert answer.status_code == 302 and recorder.sent == [f"{PUBLIC}/oauth/token"]  # the 302 is the answer


def test_the_refusal_is_a_transport_error_and_a_gateway_error() -> None:
    with pytest.raises(ForbiddenHostError) as refused:
        check_url(httpx.URL("http://127.0.0.1:8080/token"), allow_private=False)
    assert isinstance(refused.value, httpx.TransportError) and isinstance(refused.value, GatewayError)
    assert refused.value.body() == {
        "error": {
            "code": "forbidden_host",
            "message": "Unigate may not call this host: 127.0.0.1 is an internal address; "
            "see UNIGATE_ALLOW_PRIVATE_HOSTS",
        }
    }
    check_url(httpx.URL("http://127.0.0.1:8080/token"), allow_private=True)
    with pytest.raises(ForbiddenHostError, match="without a host"):
        check_url(httpx.URL("http:///token"), allow_private=True)


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[str, list[str]]]:
    """Records each path, and the Cookie header it came with; answers with a cookie of one tenant."""
    hits: list[str] = []

    async def answer(request: Request) -> Response:
        hits.append(request.url.path)
        if request.headers.get("cookie"):
            hits.append("cookie: " + request.headers["cookie"])
        return JSONResponse({"ok": True}, headers={"set-cookie": "session=tenant-a; Path=/"})

    with run_app(Starlette(routes=[Route("/{path:path}", answer)])) as url:
        yield url, hits


@pytest.fixture
async def real(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[GuardedTransport]:
    """The gateway's arrangement: the proxy's aiohttp sessions (and resolver) under the guard."""
    allow_private: bool = request.param
    sessions = UpstreamSessions(Settings(data_dir=tmp_path, allow_private_hosts=allow_private))
    inner = AiohttpTransport(client=lambda: sessions.get(False))
    try:
        yield GuardedTransport(inner, allow_private)
    finally:
        await sessions.close()


@pytest.mark.parametrize("real", [False], indirect=True)
async def test_a_name_resolving_only_to_internal_addresses_is_refused(
    real: GuardedTransport, fake: tuple[str, list[str]]
) -> None:
    url, hits = fake
    port = url.rsplit(":", 1)[1]
    name = socket.gethostname()
    check_host(name, allow_private=False)  # no pre-connect check refuses the name: the resolver has to
    assert all(is_internal(info[4][0]) for info in socket.getaddrinfo(name, port)), f"{name} should be internal"
    hits.clear()
    async with guarded_client(real) as client:
        with pytest.raises(ForbiddenHostError, match="resolves only to internal addresses"):
            await client.get(f"http://{name}:{port}/token")
    assert hits == []


@pytest.mark.parametrize("real", [True], indirect=True)
async def test_private_hosts_allowed_reach_loopback_and_clients_share_the_pool(
    real: GuardedTransport, fake: tuple[str, list[str]]
) -> None:
    url, hits = fake
    hits.clear()
    for _ in range(2):  # closing a client leaves the shared sessions open for the next one
        async with guarded_client(real, base_url=url, headers={"x-test": "1"}) as client:
            answer = await client.get("/token")
            assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert hits == ["/token", "/token"]


@pytest.mark.parametrize("real", [True], indirect=True)
async def test_cookies_an_answer_sets_are_not_sent_again(real: GuardedTransport, fake: tuple[str, list[str]]) -> None:
    """Outbound.http and the proxy's sessions serve every connection: one tenant's cookie must not reach another's."""
    url, hits = fake
    named = url.replace("127.0.0.1", "localhost")  # cookie jars keep no cookies of IP-address hosts anyway
    hits.clear()
    async with guarded_client(real) as client:
        for _ in range(2):
            assert (await client.get(f"{named}/token")).status_code == 200
    session = real.inner.get_client()  # type: ignore[attr-defined]  # the proxy's own calls use this session
    for _ in range(2):
        async with session.get(f"{named}/proxied") as answer:
            assert answer.status == 200
    assert hits == ["/token", "/token", "/proxied", "/proxied"]


@pytest.mark.parametrize("real", [True], indirect=True)
async def test_a_refused_connection_is_a_connect_error_not_a_timeout(real: GuardedTransport) -> None:
    """A port that refuses (or a name that does not resolve) fails at once: ConnectError, which callers report as
    unreachable, rather than the ConnectTimeout httpx_aiohttp would make of it."""
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with guarded_client(real) as client:
        with pytest.raises(httpx.ConnectError) as refused:
            await client.get(f"http://127.0.0.1:{port}/token")
    assert not isinstance(refused.value, httpx.TimeoutException)
