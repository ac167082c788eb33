"""A self-managed GitLab served below a path, reached through the catalog entry as shipped (no override)."""

from __future__ import annotations

import unigate_gitlab
from fake_gitlab import FakeGitLab

from gateway.testing.kit import make_gateway
from gateway.testing.oauth_flow import connect_with_oauth, oauth_client


async def test_oauth_and_api_calls_go_below_the_instance_path() -> None:
    fake = FakeGitLab()
    ada = fake.add_user("ada", "Ada Lovelace")
    app = fake.add_project("acme/app", ada)
    for n in range(3):
        fake.add_issue(app, f"Issue {n}", ada)
    with fake.run(prefix="/gitlab") as url:
        async with make_gateway(plugins=[unigate_gitlab], allow_private_hosts=True) as (_, client):
            made = await client.post(
                "/integrations", json={"provider": "gitlab", "unique_key": "gl", "credentials": oauth_client(fake)}
            )
            assert made.status_code == 200, made.text
            connection = await connect_with_oauth(client, "gl", "user-1", params={"params[base_url]": url})
            assert connection["connection_config"] == {"base_url": url}
            headers = {"Connection-Id": "user-1", "Provider-Config-Key": "gl"}
            tickets = await client.get(
                "/tickets", params={"collection_id": "acme/app", "page_size": 2}, headers=headers
            )
            assert tickets.status_code == 200, tickets.text
            following = await client.get("/tickets", params={"cursor": tickets.json()["next_cursor"]}, headers=headers)
            assert following.status_code == 200, following.text
            names = [t["name"] for t in tickets.json()["data"] + following.json()["data"]]
            assert sorted(names) == ["Issue 0", "Issue 1", "Issue 2"]
            paths = {r.path for r in fake.requests}  # below /gitlab, where the instance is served
            assert {"/oauth/authorize", "/oauth/token", "/api/v4/projects/acme/app/issues"} <= paths, paths
            bad = await client.post(
                "/connect/sessions", json={"end_user": {"id": "u2"}, "allowed_integrations": ["gl"]}
            )
            token = bad.json()["data"]["token"]
            refused = await client.get(
                "/oauth/connect/gl",
                params={"connect_session_token": token, "params[base_url]": "https://u:p@evil.example/x"},
                headers={"Authorization": ""},
            )
            assert refused.status_code == 400 and "base_url" in refused.text
