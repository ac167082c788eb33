"""With ``UNIGATE_DASHBOARD_PASSWORD`` the sign-in asks for it instead of a secret key; behind an https public URL
the session cookie is Secure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from gateway.app import create_app
from gateway.dashboard.sessions import COOKIE
from gateway.runtime import Gateway
from gateway.settings import Settings
from tests.dashboard.dashboard_forms import sign_in


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url="https://gateway.example.com",
        dashboard_password=SecretStr("correct horse battery staple"),
        sync_sweep_seconds=3600,
    )


@pytest.fixture
async def browser(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    """Over https: a client keeps Secure cookies only for https URLs."""
    transport = httpx.ASGITransport(app=create_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="https://gateway.example.com") as client:
        yield client


async def test_password_replaces_the_secret_key(gateway: Gateway, browser: httpx.AsyncClient) -> None:
    page = await browser.get("/dashboard/login")
    assert "Dashboard password" in page.text and "Secret key" not in page.text
    refused = await sign_in(browser, gateway.secrets.secret_key)
    assert refused.status_code == 401 and "That password is not valid" in refused.text
    accepted = await sign_in(browser, "correct horse battery staple")
    assert accepted.status_code == 303
    cookie = next(c for c in accepted.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}="))
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}
    assert "correct horse" not in cookie
