"""Jira webhooks in: ``X-Hub-Signature: sha256=<hex>`` checked, issue and comment events merged into the records of
the connections that sync the project and forwarded; a bad or missing signature changes nothing.

Bodies are built as Jira Cloud sends them, from the fake's state: the issue in the REST v2 form (``self`` on the
site, ``description`` and comment ``body`` as text), ``webhookEvent``, ``issue_event_type_name``, ``timestamp``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_jira
from fake_jira import FakeJira
from jira_shapes import JiraIssue, adf, issue_fields, stamp, user_details

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

SECRET = "jira-webhook-secret-42"
SITE = "https://your-domain.atlassian.net"


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    jira = FakeJira()
    mia = jira.add_account("Mia Krystof")
    jira.add_account("Bob Smith")
    jira.add_project("KAN", "Kanban", mia)
    jira.add_issue("KAN", "First", mia, description=adf("It breaks"))
    with jira.run():
        yield jira


def account(fake: FakeJira, name: str) -> str:
    return next(a.account_id for a in fake.accounts.values() if a.display_name == name)


@pytest.fixture
async def api(tmp_path: Path, fake: FakeJira, unigate_database: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    override = tmp_path / "jira.yaml"
    override.write_text(f"jira:\n  proxy:\n    base_url: {fake.base_url}\n")
    settings: dict[str, Any] = {"providers_files": [override], "allow_private_hosts": True, **unigate_database}
    async with make_gateway(plugins=[unigate_jira], **settings) as (_, client):
        credentials = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}
        await client.post("/integrations", json={"provider": "jira", "unique_key": "jira", "credentials": credentials})
        mia = fake.accounts[account(fake, "Mia Krystof")]
        imported = await client.post(
            "/connections",
            json={
                "provider_config_key": "jira",
                "connection_id": "user-1",
                "credentials": {"type": "OAUTH2", "access_token": fake.oauth_token_for(mia), "no_expiration": True},
                "connection_config": {"cloudId": fake.cloud_id, "siteUrl": SITE},
            },
        )
        assert imported.status_code == 201, imported.text
        client.headers.update({"Connection-Id": "user-1", "Provider-Config-Key": "jira"})
        for name in ("collections", "tickets"):
            assert (await run_sync(client, "jira", "user-1", name))["status"] == "SUCCESS"
        answer = await client.put("/integrations/jira/webhook-secret", json={"secret": SECRET})
        assert answer.json()["data"]["webhook_url"].endswith("/webhook/prod/jira")
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


def v2_issue(fake: FakeJira, item: JiraIssue) -> dict[str, Any]:
    """The issue as a webhook carries it: REST v2, links on the site, the description as text."""
    fields = issue_fields(SITE, item, fake.projects[item.project], fake.accounts)
    fields = {k: v for k, v in fields.items() if k not in ("comment", "attachment")}
    text = (item.description or {}).get("content", [{}])[0].get("content", [{}])[0].get("text")
    fields["description"] = text
    return {"id": item.id, "self": f"{SITE}/rest/api/2/issue/{item.id}", "key": item.key, "fields": fields}


def event(fake: FakeJira, name: str, item: JiraIssue, **extra: Any) -> dict[str, Any]:
    actor = user_details(SITE, fake.accounts[item.reporter])
    body = {"timestamp": int(time.time() * 1000), "webhookEvent": name, "user": actor, "issue": v2_issue(fake, item)}
    if name.startswith("jira:"):
        body["issue_event_type_name"] = {"jira:issue_created": "issue_created"}.get(name, "issue_generic")
    return body | extra


def v2_comment(fake: FakeJira, item: JiraIssue, comment_id: str, text: str, author: str) -> dict[str, Any]:
    who, now = user_details(SITE, fake.accounts[author]), stamp()
    link = f"{SITE}/rest/api/2/issue/{item.id}/comment/{comment_id}"
    return {"self": link, "id": comment_id, "author": who, "body": text, "updateAuthor": who, "created": now} | {
        "updated": now,
        "jsdPublic": True,
    }


def signed(payload: dict[str, Any], secret: str | None = SECRET) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    headers = {"Authorization": "", "X-Atlassian-Webhook-Identifier": "1"}
    if secret is not None:
        headers["X-Hub-Signature"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content": body, "headers": headers}


async def records(api: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("/records", params={"model": model})).json()["records"]
    return found


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


def unified(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("_nango_metadata", "remote_data")}


async def test_an_update_reaches_the_records_as_the_api_maps_it(api: httpx.AsyncClient, fake: FakeJira) -> None:
    item, bob = fake.issues[0], account(fake, "Bob Smith")
    item.summary, item.status, item.priority, item.assignee = "First, in review", "10001", "2", bob
    item.labels, item.description, item.updated = ["backend"], adf("It breaks on Mondays"), stamp()
    answer = await api.post("/webhook/prod/jira", **signed(event(fake, "jira:issue_updated", item)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 1, "deleted": 0}]
    (ticket,) = await records(api, "Ticket")
    assert (ticket["name"], ticket["status"], ticket["priority"]) == ("First, in review", "IN_PROGRESS", "HIGH")
    assert (ticket["description"], ticket["assignees"], ticket["tags"]) == ("It breaks on Mondays", [bob], ["backend"])
    assert ticket["ticket_url"] == f"{SITE}/browse/KAN-1" and ticket["collections"] == ["KAN"]
    (forward,) = await forwards(api)
    assert forward["payload"]["from"] == "jira" and forward["payload"]["payload"]["issue"]["key"] == "KAN-1"
    live = (await api.get("/tickets/KAN-1")).json()["data"]
    assert unified(ticket) == {k: live[k] for k in unified(ticket)}  # the v2 webhook maps as the v3 issue does


async def test_comments_and_deletions(api: httpx.AsyncClient, fake: FakeJira) -> None:
    item, mia = fake.issues[0], account(fake, "Mia Krystof")
    comment = v2_comment(fake, item, "10500", "Fixed in main", mia)
    answer = await api.post("/webhook/prod/jira", **signed(event(fake, "comment_created", item, comment=comment)))
    assert answer.json()["connections"][0]["added"] == 1
    (stored,) = await records(api, "Comment")
    assert (stored["id"], stored["ticket"], stored["body"]) == ("KAN-1/comments/10500", "KAN-1", "Fixed in main")
    assert stored["user"] == mia and stored["is_private"] is False
    gone = await api.post("/webhook/prod/jira", **signed(event(fake, "comment_deleted", item, comment=comment)))
    assert gone.json()["connections"][0]["deleted"] == 1
    deleted = await api.post("/webhook/prod/jira", **signed(event(fake, "jira:issue_deleted", item)))
    assert deleted.json()["connections"][0]["deleted"] == 1
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "DELETED" and len(await forwards(api)) == 3


async def test_a_new_issue_of_a_project_nobody_syncs_reaches_no_connection(
    api: httpx.AsyncClient, fake: FakeJira
) -> None:
    fake.add_project("OPS", "Operations", fake.accounts[account(fake, "Bob Smith")])
    item = fake.add_issue("OPS", "Pager", fake.accounts[account(fake, "Bob Smith")])
    answer = await api.post("/webhook/prod/jira", **signed(event(fake, "jira:issue_created", item)))
    assert answer.status_code == 200 and answer.json()["connections"] == []


async def test_a_bad_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeJira) -> None:
    item = fake.issues[0]
    item.summary = "Forged"
    refused = await api.post("/webhook/prod/jira", **signed(event(fake, "jira:issue_updated", item), "guess"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []


async def test_a_missing_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeJira) -> None:
    item = fake.issues[0]
    item.summary = "Forged"
    refused = await api.post("/webhook/prod/jira", **signed(event(fake, "jira:issue_updated", item), None))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []
