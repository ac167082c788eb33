"""Driving the dashboard's forms over HTTP (no browser): the CSRF token a page carries, signing in."""

from __future__ import annotations

import re

import httpx

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, secret: str) -> httpx.Response:
    """Open the sign-in page, then post ``secret`` with the page's token."""
    page = await client.get("/dashboard/login")
    return await client.post("/dashboard/login", data={"csrf_token": csrf_of(page.text), "secret": secret})


async def session_token(client: httpx.AsyncClient) -> str:
    """The CSRF token of the signed-in session (from the integrations page's sign-out form)."""
    page = await client.get("/dashboard")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)
