"""The dashboard's security rules, over HTTP: sessions, cookie flags, CSRF, the sign-in slow-down, sign-out."""

from __future__ import annotations

import re

import httpx
from starlette.routing import Route

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.dashboard import dashboard_routes
from gateway.dashboard.sessions import COOKIE
from gateway.runtime import Gateway
from gateway.settings import Settings
from tests.dashboard.dashboard_forms import csrf_of, session_token, sign_in

GITHUB = {
    "provider": "github",
    "unique_key": "gh",
    "credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "shh", "scopes": "repo"},
}


def api(gateway: Gateway, browser: httpx.AsyncClient) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=browser._transport,
        base_url="http://unigate.test",
        headers={"Authorization": f"Bearer {gateway.secrets.secret_key}"},
    )


async def test_root_redirects_browsers_and_keeps_the_json_404(browser: httpx.AsyncClient) -> None:
    html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    redirected = await browser.get("/", headers={"Accept": html})
    assert redirected.status_code == 303 and redirected.headers["location"] == "/dashboard"
    for accept in ("application/json", "*/*", "", "application/json, text/html;q=0.5"):
        plain = await browser.get("/", headers={"Accept": accept} if accept else {})
        assert plain.status_code == 404, accept
        assert plain.json()["error"]["code"] == "not_found"


async def test_every_dashboard_route_refuses_without_a_session(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    async with api(gateway, browser) as client:
        assert (await client.post("/integrations", json=GITHUB)).status_code == 200
    routes = [r for r in dashboard_routes(gateway) if isinstance(r, Route) and r.path.startswith("/dashboard")]
    checked = 0
    for route in routes:
        if route.path == "/dashboard/login":
            continue
        path = route.path.replace("{key}", "gh").replace("{connection_id}", "user-1")
        for method in route.methods or ():
            if method == "HEAD":
                continue
            answer = await browser.request(method, path, data={"csrf_token": "x"} if method == "POST" else None)
            if method == "GET":
                assert answer.status_code == 303 and answer.headers["location"] == "/dashboard/login", path
            else:
                assert answer.status_code == 403 and "Sign in again" in answer.text, path
            assert "cid" not in answer.text and "gh" not in answer.headers.get("location", "")
            checked += 1
    assert checked >= 16
    async with api(gateway, browser) as client:
        assert (await client.get("/integrations/gh")).status_code == 200  # the POSTs changed nothing


async def test_session_cookie_flags_and_contents(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    page = await browser.get("/dashboard/login")
    assert page.status_code == 200 and '<html lang="en">' in page.text and "<title>Sign in" in page.text
    signed_in = await browser.post(
        "/dashboard/login", data={"csrf_token": csrf_of(page.text), "secret": gateway.secrets.secret_key}
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/dashboard"
    cookie = next(c for c in signed_in.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/dashboard", "max-age=43200"} <= flags
    assert "secure" not in flags  # the public URL is http here
    value = cookie.split(";")[0].split("=", 1)[1]
    assert gateway.secrets.secret_key not in value and len(value.split(".")) == 3
    assert (await browser.get("/dashboard")).status_code == 200


async def test_forged_and_tampered_cookies_are_refused(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    await sign_in(browser, gateway.secrets.secret_key)
    sid, expiry, signature = browser.cookies[COOKIE].split(".")
    for forged in (f"{sid}.{int(expiry) + 3600}.{signature}", f"other.{expiry}.{signature}", "garbage", ""):
        browser.cookies.set(COOKIE, forged, path="/dashboard")
        assert (await browser.get("/dashboard")).status_code == 303, forged


async def test_missing_or_wrong_csrf_token_is_refused_and_changes_nothing(
    gateway: Gateway, browser: httpx.AsyncClient
) -> None:
    await sign_in(browser, gateway.secrets.secret_key)
    token = await session_token(browser)
    form = {"provider": "github", "unique_key": "gh", "client_id": "c", "client_secret": "s"}
    for sent in ({}, {"csrf_token": ""}, {"csrf_token": token[:-2] + "00"}):
        refused = await browser.post("/dashboard/integrations/new", data={**form, **sent})
        assert refused.status_code == 403 and "security token" in refused.text
    async with api(gateway, browser) as client:
        assert (await client.get("/integrations")).json() == {"data": []}
        assert (await client.post("/integrations", json=GITHUB)).status_code == 200
    for path, data in (
        ("/dashboard/integrations/gh", {"unique_key": "renamed", "display_name": "X"}),
        ("/dashboard/integrations/gh/delete", {}),
        ("/dashboard/logout", {}),
    ):
        assert (await browser.post(path, data={**data, "csrf_token": "wrong"})).status_code == 403, path
    async with api(gateway, browser) as client:
        kept = (await client.get("/integrations/gh")).json()["data"]
    assert kept["display_name"] == "GitHub"
    assert (await browser.get("/dashboard")).status_code == 200  # still signed in
    other = httpx.AsyncClient(transport=browser._transport, base_url="http://unigate.test")
    async with other:
        await sign_in(other, gateway.secrets.secret_key)
        theirs = await session_token(other)
    assert theirs != token
    stolen = await browser.post("/dashboard/integrations/gh/delete", data={"csrf_token": theirs})
    assert stolen.status_code == 403  # a token is bound to its own session


async def test_sign_in_form_needs_its_token(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    await browser.get("/dashboard/login")
    refused = await browser.post("/dashboard/login", data={"secret": gateway.secrets.secret_key})
    assert refused.status_code == 403 and COOKIE not in browser.cookies


async def test_failed_sign_ins_are_slowed_down(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    for _ in range(5):
        failed = await sign_in(browser, "not-the-key")
        assert failed.status_code == 401 and "not valid" in failed.text
    blocked = await sign_in(browser, gateway.secrets.secret_key)  # even the right key waits
    assert blocked.status_code == 429
    wait = int(blocked.headers["retry-after"])
    assert 290 <= wait <= 300 and f"Try again in {wait} seconds" in blocked.text
    assert COOKIE not in browser.cookies
    transport = httpx.ASGITransport(app=browser._transport.app, client=("198.51.100.2", 40000))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test") as elsewhere:
        assert (await sign_in(elsewhere, gateway.secrets.secret_key)).status_code == 303


async def test_sign_out_revokes_the_session_even_for_a_copied_cookie(
    gateway: Gateway, browser: httpx.AsyncClient
) -> None:
    await sign_in(browser, gateway.secrets.secret_key)
    copied = browser.cookies[COOKIE]
    out = await browser.post("/dashboard/logout", data={"csrf_token": await session_token(browser)})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/login"
    browser.cookies.set(COOKIE, copied, path="/dashboard")
    again = await browser.get("/dashboard")
    assert again.status_code == 303 and again.headers["location"] == "/dashboard/login"


async def test_a_session_holds_on_every_server_of_the_database_and_ends_on_all(
    gateway: Gateway, browser: httpx.AsyncClient, settings: Settings
) -> None:
    """Two servers (``--workers 2``, or replicas) on one database: signed in through one, the other accepts the
    cookie; signed out through the other, the first refuses it."""
    await sign_in(browser, gateway.secrets.secret_key)
    cookie = browser.cookies[COOKIE]
    other = build_gateway(settings)
    await other.start()
    try:
        transport = httpx.ASGITransport(app=create_app(other), client=("203.0.113.8", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test") as second:
            second.cookies.set(COOKIE, cookie, path="/dashboard")
            home = await second.get("/dashboard")
            assert home.status_code == 200 and "Sign out" in home.text
            out = await second.post("/dashboard/logout", data={"csrf_token": await session_token(second)})
            assert out.status_code == 303
    finally:
        await other.stop()
    refused = await browser.get("/dashboard")
    assert refused.status_code == 303 and refused.headers["location"] == "/dashboard/login"


async def test_pages_are_not_cached_or_framed(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    await sign_in(browser, gateway.secrets.secret_key)
    page = await browser.get("/dashboard")
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    css = await browser.get("/dashboard/static/dashboard.css")
    assert css.status_code == 200 and ":focus-visible" in css.text


async def test_an_unknown_integration_is_a_404_page(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    await sign_in(browser, gateway.secrets.secret_key)
    for tab in ("", "/reference", "/scripts", "/connections", "/logs", "/syncs", "/delete"):
        page = await browser.get(f"/dashboard/integrations/nope{tab}")
        assert page.status_code == 404 and "There is no integration" in page.text, tab
    assert re.search(r"<title>[^<]+</title>", page.text)
