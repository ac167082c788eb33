"""Base for fake provider servers: tokens, an OAuth authorize step, forced failures and a request log.

A subclass supplies its routes and the provider's exact error answers (expired or unknown token, rate limit);
this class gates every non-public request on a token it issued, can answer the next N requests with the
provider's rate-limit response, and records what reached it so tests can assert on the upstream side.
Its records are in ``fake_records``, a token endpoint in ``token_endpoint`` and error answers in ``fake_errors``.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount

from gateway.testing.fake_records import LoggedRequest, Token, TokenState
from gateway.testing.loopback import run_app

__all__ = ["FailureFactory", "FakeUpstream", "LoggedRequest", "Token", "TokenState"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
FailureFactory = Callable[[Request], Response]


class FakeUpstream:
    """Generic fake provider; subclasses implement ``routes``, ``unauthorized_response`` and ``rate_limit_response``."""

    client_id = "fake-client-id"
    client_secret = "fake-client-secret"
    #: Path prefixes served without a token (OAuth endpoints and the like).
    public_paths: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.tokens: dict[str, Token] = {}
        self.requests: list[LoggedRequest] = []
        self.grants: Counter[str] = Counter()
        self.base_url = ""
        self._failures: list[FailureFactory | None] = []
        self._lock = threading.Lock()
        self._app: _Gate | None = None

    # -- provider hooks ------------------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        """The provider's answer to a missing, unknown, expired or revoked token."""
        raise NotImplementedError

    def rate_limit_response(self, request: Request) -> Response:
        """The provider's rate-limit answer, used by ``fail_next`` when no other response is given."""
        raise NotImplementedError

    def extra_headers(self, request: Request, status: int) -> dict[str, str]:
        """Headers added to every response (e.g. rate-limit counters)."""
        return {}

    def extract_token(self, request: Request) -> str | None:
        """The credential sent with ``request``; by default ``Authorization: Bearer|token <value>``."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        return value.strip() or None

    def authenticate(self, request: Request) -> Token | TokenState:
        value = self.extract_token(request)
        if value is None:
            return "missing"
        token = self.tokens.get(value)
        if token is None or token.kind != "access":
            return "unknown"
        return token if token.state == "valid" else token.state

    # -- tokens ---------------------------------------------------------------------------------------------------
    def issue_token(
        self,
        *,
        kind: str = "access",
        subject: str = "default",
        expires_in: float | None = None,
        scopes: list[str] | tuple[str, ...] = (),
        value: str | None = None,
        prefix: str = "",
        **data: Any,
    ) -> str:
        """Register a credential and return its value; ``expires_in`` is in seconds (``None``: never)."""
        value = value or prefix + secrets.token_hex(20)
        expires_at = None if expires_in is None else time.time() + expires_in
        with self._lock:
            self.tokens[value] = Token(value, kind, subject, list(scopes), expires_at, data=dict(data))
        return value

    def expire_token(self, value: str) -> None:
        self.tokens[value].expires_at = time.time() - 1

    def revoke_token(self, value: str) -> None:
        self.tokens[value].revoked = True

    def redeem(self, value: str | None, kind: str) -> Token | None:
        """Spend a single-use credential (authorization code, rotating refresh token); ``None`` if not valid."""
        with self._lock:
            token = self.tokens.get(value or "")
            if token is None or token.kind != kind or token.state != "valid":
                return None
            token.revoked = True
            return token

    # -- failures and log -----------------------------------------------------------------------------------------
    def fail_next(self, n: int = 1, response: FailureFactory | None = None) -> None:
        """Answer the next ``n`` authenticated requests with ``response(request)`` (default: the rate limit)."""
        with self._lock:
            self._failures.extend([response] * n)

    def clear_failures(self) -> None:
        """Drop the forced failures not yet answered."""
        with self._lock:
            self._failures.clear()

    def _pop_failure(self) -> tuple[bool, FailureFactory | None]:
        with self._lock:
            if not self._failures:
                return False, None
            return True, self._failures.pop(0)

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        """Logged requests whose path starts with ``path`` (and match ``method`` if given)."""
        return [r for r in self.requests if r.path.startswith(path) and method in (None, r.method)]

    # -- OAuth helpers --------------------------------------------------------------------------------------------
    async def authorize(self, request: Request) -> Response:
        """Auto-approving authorize step: redirect to ``redirect_uri`` with a single-use code (10 min) and the state."""
        q = request.query_params
        code = self.issue_token(kind="code", expires_in=600)
        self.tokens[code].data.update(q)  # keeps redirect_uri, scope, PKCE challenge, state, ...
        target = q.get("redirect_uri", "")
        params = {"code": code, **({"state": q["state"]} if "state" in q else {})}
        return RedirectResponse(target + ("&" if "?" in target else "?") + urlencode(params), status_code=302)

    @staticmethod
    async def read_params(request: Request) -> dict[str, str]:
        """Token-endpoint parameters from a form or JSON body (Atlassian and GitHub accept both)."""
        if request.headers.get("content-type", "").startswith("application/json"):
            data = await request.json()
            return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))

    def client_ok(self, request: Request, params: dict[str, str]) -> bool:
        """Client authentication by body parameters or HTTP Basic."""
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        scheme, _, blob = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            client_id, _, client_secret = base64.b64decode(blob).decode().partition(":")
        return client_id == self.client_id and client_secret == self.client_secret

    # -- serving --------------------------------------------------------------------------------------------------
    @property
    def app(self) -> _Gate:
        if self._app is None:
            self._app = _Gate(self, Starlette(routes=self.routes()))
        return self._app

    @contextmanager
    def run(self, host: str = "127.0.0.1", prefix: str = "") -> Iterator[str]:
        """Serve the fake on a free loopback port; yields (and sets ``base_url`` to) its URL.

        ``prefix`` serves it below a path, as a self-managed instance at ``https://example.com/gitlab``.
        """
        app: Any = Starlette(routes=[Mount(prefix, app=self.app)]) if prefix else self.app
        with run_app(app, host) as url:
            self.base_url = url + prefix
            try:
                yield self.base_url
            finally:
                self.base_url = ""

    @staticmethod
    def route_path(request: Request, raw: bool = False) -> str:
        """The request's path below the prefix the fake is served at (``raw``: still percent-encoded)."""
        path = request.scope.get("raw_path", b"").decode() if raw else ""
        return (path or request.scope["path"]).removeprefix(request.scope.get("root_path", ""))

    def is_public(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.public_paths)


class _Gate:
    """ASGI wrapper: logs each request, enforces tokens and forced failures, adds the provider's headers."""

    def __init__(self, upstream: FakeUpstream, app: Starlette) -> None:
        self.upstream, self.inner = upstream, app

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        up = self.upstream
        request = Request(scope, replay)
        path = scope["path"].removeprefix(scope.get("root_path", ""))  # below the prefix the fake may be served at
        headers = {k: v for k, v in request.headers.items() if k not in ("authorization", "cookie")}
        with up._lock:
            up.requests.append(LoggedRequest(request.method, path, request.url.query, headers, body))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = up.extra_headers(request, message["status"]).items()
                added = [(k.encode(), v.encode()) for k, v in extra if k.lower().encode() not in present]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        response: Response | None = None
        if not up.is_public(path):
            auth = up.authenticate(request)
            if not isinstance(auth, Token):
                response = up.unauthorized_response(request, auth)
            else:
                scope.setdefault("state", {})["token"] = auth
                failing, factory = up._pop_failure()
                if failing:
                    response = (factory or up.rate_limit_response)(request)
        if response is not None:
            await response(scope, replay, send_with_headers)
        else:
            await self.inner(scope, replay, send_with_headers)
