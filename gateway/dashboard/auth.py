"""Signing in and out of the dashboard, and the guard every other dashboard route goes through.

Sign-in takes the instance's secret key (any key ``unigate keys create`` issued works too), or, when
``UNIGATE_DASHBOARD_PASSWORD`` is set, that password instead. Failed attempts are slowed down per client address
(``throttle``). A success opens a session (``sessions``): an HttpOnly, SameSite=Strict cookie on ``/dashboard``,
Secure when the public URL is https.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from gateway.dashboard.csrf import FIELD, FormRefused, read_form, refused
from gateway.dashboard.render import HEADERS, problem, render
from gateway.dashboard.sessions import (
    COOKIE,
    PATH,
    SIGNIN_COOKIE,
    SIGNIN_TTL_SECONDS,
    TTL_SECONDS,
    Sessions,
    derive_key,
)
from gateway.dashboard.throttle import SignInThrottle
from gateway.errors import GatewayError
from gateway.runtime import Gateway

HOME = "/dashboard"
SIGNIN = "/dashboard/login"


@dataclass
class Visit:
    """A signed-in request: the gateway, the session, and for a POST its checked form."""

    request: Request
    gateway: Gateway
    auth: DashboardAuth
    sid: str
    form: dict[str, str] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return self.auth.sessions.csrf_token(self.sid)

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return render(template, status, csrf=self.csrf, signed_in=True, **context)


PageHandler = Callable[[Visit], Awaitable[Response]]


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


class DashboardAuth:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.sessions = Sessions(derive_key(gateway.secrets.secret_key), gateway.engine)
        self.throttle = SignInThrottle()
        public_url = gateway.settings.resolved_public_url
        self.secure = public_url.lower().startswith("https://")

    @property
    def asks_password(self) -> bool:
        return self.gateway.settings.dashboard_password is not None

    def _cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=PATH, secure=self.secure, httponly=True, samesite="strict"
        )

    async def _accepts(self, typed: str) -> bool:
        password = self.gateway.settings.dashboard_password
        if password is not None:
            expected = hashlib.sha256(password.get_secret_value().encode()).digest()
            return hmac.compare_digest(expected, hashlib.sha256(typed.encode()).digest())
        scope = {
            "type": "http",
            "method": "POST",
            "path": SIGNIN,
            "headers": [(b"authorization", b"Bearer " + typed.encode())],
        }
        try:
            await self.gateway.api_keys.authenticate(Request(scope))
        except GatewayError:
            return False
        return True

    def _signin_form(
        self, status: int = 200, error: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        nonce = secrets.token_urlsafe(18)
        response = render(
            "signin.html",
            status,
            headers,
            csrf=self.sessions.sign("signin", nonce),
            password=self.asks_password,
            error=error,
        )
        self._cookie(response, SIGNIN_COOKIE, nonce, SIGNIN_TTL_SECONDS)
        return response

    async def signin_page(self, request: Request) -> Response:
        if await self.sessions.find(request.cookies.get(COOKIE)):
            return redirect(HOME)
        return self._signin_form()

    async def signin(self, request: Request) -> Response:
        try:
            form = await read_form(request, self.gateway.settings.max_body_bytes)
        except FormRefused as exc:
            return exc.response
        nonce = request.cookies.get(SIGNIN_COOKIE, "")
        if not nonce or not self.sessions.verify("signin", nonce, form.get(FIELD, "")):
            return refused().response
        client = request.client.host if request.client else "unknown"
        wait = self.throttle.retry_after(client)
        if wait is not None:
            message = f"Too many failed sign-ins from your address. Try again in {wait} seconds."
            return self._signin_form(429, message, {"Retry-After": str(wait)})
        if not await self._accepts(form.get("secret", "")):
            self.throttle.failed(client)
            what = "password" if self.asks_password else "secret key"
            return self._signin_form(401, f"That {what} is not valid.")
        self.throttle.succeeded(client)
        _, cookie = await self.sessions.open()
        response = redirect(HOME)
        self._cookie(response, COOKIE, cookie, TTL_SECONDS)
        response.delete_cookie(SIGNIN_COOKIE, path=PATH, secure=self.secure, httponly=True, samesite="strict")
        return response

    async def signout(self, visit: Visit) -> Response:
        await self.sessions.close(visit.sid)
        response = redirect(SIGNIN)
        response.delete_cookie(COOKIE, path=PATH, secure=self.secure, httponly=True, samesite="strict")
        return response

    def guard(self, handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
        """The route serving ``handler`` to signed-in visitors: others are sent to sign in (GET) or refused (403),
        and a POST whose form lacks the session's CSRF token is refused (403) before ``handler`` runs."""

        async def endpoint(request: Request) -> Response:
            sid = await self.sessions.find(request.cookies.get(COOKIE))
            if sid is None:
                if request.method in ("GET", "HEAD"):
                    return redirect(SIGNIN)
                return problem(403, "Signed out", "Your dashboard session has ended. Sign in again.")
            visit = Visit(request, self.gateway, self, sid)
            if request.method == "POST":
                try:
                    visit.form = await read_form(request, self.gateway.settings.max_body_bytes)
                except FormRefused as exc:
                    return exc.response
                if not self.sessions.csrf_ok(sid, visit.form.get(FIELD)):
                    return refused().response
            return await handler(visit)

        endpoint.__name__ = getattr(handler, "__name__", "dashboard_page")
        return endpoint
