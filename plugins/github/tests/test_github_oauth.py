"""GitHub end to end through both ways of connecting: an OAuth app (expiring user tokens) and a GitHub App install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub
from fake_github_app import FakeGitHubApp

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import NO_AUTH, connect_with_oauth

SECRETS = {"refresh_token": "true"}


def seed(fake: FakeGitHub) -> None:
    fake.add_user("octo")
    for name in ("hello", "world", "docs"):
        repo = fake.add_repo("octo", name)
        fake.add_issue(repo, f"Issue in {name}", user="octo")


@pytest.fixture
async def oauth_app(tmp_path: Path) -> AsyncIterator[tuple[FakeGitHub, httpx.AsyncClient]]:
    fake = FakeGitHub(expiring_user_tokens=True)
    seed(fake)
    with fake.run() as url:
        override = tmp_path / "github.yaml"
        override.write_text(
            f"github:\n  authorization_url: {url}/login/oauth/authorize\n"
            f"  token_url: {url}/login/oauth/access_token\n  proxy:\n    base_url: {url}\n"
        )
        async with make_gateway(plugins=[unigate_github], providers_files=[override], allow_private_hosts=True) as (
            _,
            client,
        ):
            credentials = {"type": "OAUTH2", "client_id": fake.client_id, "client_secret": fake.client_secret}
            made = await client.post(
                "/integrations", json={"provider": "github", "unique_key": "gh", "credentials": credentials}
            )
            assert made.status_code == 200, made.text
            yield fake, client


async def test_oauth_app_connection_lists_tickets_and_refreshes_the_user_token(
    oauth_app: tuple[FakeGitHub, httpx.AsyncClient],
) -> None:
    fake, client = oauth_app
    connection = await connect_with_oauth(client, "gh", "user-1")
    assert connection["credentials"]["access_token"].startswith("ghu_")
    headers = {"Connection-Id": "user-1", "Provider-Config-Key": "gh"}
    tickets = await client.get("/tickets", params={"collection_id": "octo/hello"}, headers=headers)
    assert [t["name"] for t in tickets.json()["data"]] == ["Issue in hello"]
    fake.expire_token(connection["credentials"]["access_token"])
    again = await client.get("/tickets", params={"collection_id": "octo/world"}, headers=headers)
    assert again.status_code == 200, again.text
    assert [t["name"] for t in again.json()["data"]] == ["Issue in world"]
    assert fake.grants["refresh_token"] == 1


@pytest.fixture
async def github_app(tmp_path: Path) -> AsyncIterator[tuple[FakeGitHubApp, httpx.AsyncClient]]:
    fake = FakeGitHubApp(owner="octo")
    seed(fake)
    with fake.run() as url:
        override = tmp_path / "github.yaml"
        override.write_text(
            "github-app:\n"
            f"  token_url: {url}/app/installations/${{connectionConfig.installation_id}}/access_tokens\n"
            f"  proxy:\n    base_url: {url}\n"
        )
        async with make_gateway(plugins=[unigate_github], providers_files=[override], allow_private_hosts=True) as (
            gateway,
            client,
        ):
            fake.setup_url = f"{gateway.settings.resolved_public_url}/oauth/callback"
            credentials = {
                "type": "APP",
                "app_id": fake.app_id,
                "app_link": f"{url}/apps/unigate-test",
                "private_key": fake.private_key_pem,
            }
            made = await client.post(
                "/integrations", json={"provider": "github-app", "unique_key": "gh-app", "credentials": credentials}
            )
            assert made.status_code == 200, made.text
            yield fake, client


async def test_github_app_installation_serves_its_repositories_and_issues(
    github_app: tuple[FakeGitHubApp, httpx.AsyncClient],
) -> None:
    fake, client = github_app
    session = await client.post("/connect/sessions", json={"end_user": {"id": "end-user-1"}})
    start = await client.get(
        "/oauth/connect/gh-app",
        params={"connection_id": "install-1", "connect_session_token": session.json()["data"]["token"]},
        headers=NO_AUTH,
    )
    async with httpx.AsyncClient() as browser:
        installed = await browser.get(start.headers["location"])
    callback = await client.get("/oauth/callback?" + urlsplit(installed.headers["location"]).query, headers=NO_AUTH)
    assert callback.status_code == 200, callback.text
    headers = {"Connection-Id": "install-1", "Provider-Config-Key": "gh-app"}
    collections = await client.get("/collections", params={"page_size": 2}, headers=headers)
    assert collections.status_code == 200, collections.text
    assert [c["id"] for c in collections.json()["data"]] == ["octo/docs", "octo/hello"]
    following = await client.get("/collections", params={"cursor": collections.json()["next_cursor"]}, headers=headers)
    assert [c["id"] for c in following.json()["data"]] == ["octo/world"]
    tickets = await client.get("/tickets", params={"collection_id": "octo/docs"}, headers=headers)
    assert [t["name"] for t in tickets.json()["data"]] == ["Issue in docs"]
    assert fake.mints == 1
    stored = (await client.get("/connections/install-1", params={"provider_config_key": "gh-app"})).json()
    assert stored["connection_config"]["installation_id"] == fake.installation_id
