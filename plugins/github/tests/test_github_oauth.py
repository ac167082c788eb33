"""GitHub end to end through both ways of connecting: an OAuth app (expiring user tokens) and a GitHub App install."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
import unigate_github
from fake_github import FakeGitHub
from fake_github_app import FakeGitHubApp

from gateway.testing.oauth_flow import NO_AUTH, connect_with_oauth, integration_gateway, oauth_client

SECRETS = {"refresh_token": "true"}


def seed(fake: FakeGitHub) -> None:
    fake.add_user("octo")
    for name in ("hello", "world", "docs"):
        repo = fake.add_repo("octo", name)
        fake.add_issue(repo, f"Issue in {name}", user="octo")


@pytest.fixture
async def oauth_app() -> AsyncIterator[tuple[FakeGitHub, httpx.AsyncClient]]:
    fake = FakeGitHub(expiring_user_tokens=True)
    seed(fake)
    with fake.run() as url:
        catalog = {"authorization_url": f"{url}/login/oauth/authorize", "token_url": f"{url}/login/oauth/access_token"}
        catalog["proxy"] = {"base_url": url}
        async with integration_gateway(unigate_github, {"github": catalog}, "github", "gh", oauth_client(fake)) as (
            _,
            client,
        ):
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
async def github_app() -> AsyncIterator[tuple[FakeGitHubApp, httpx.AsyncClient]]:
    fake = FakeGitHubApp(owner="octo")
    seed(fake)
    with fake.run() as url:
        token_url = f"{url}/app/installations/${{connectionConfig.installation_id}}/access_tokens"
        catalog = {"github-app": {"token_url": token_url, "proxy": {"base_url": url}}}
        credentials = {
            "type": "APP",
            "app_id": fake.app_id,
            "app_link": f"{url}/apps/unigate-test",
            "private_key": fake.private_key_pem,
        }
        async with integration_gateway(unigate_github, catalog, "github-app", "gh-app", credentials) as (
            gateway,
            client,
        ):
            fake.setup_url = f"{gateway.settings.resolved_public_url}/oauth/callback"
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
