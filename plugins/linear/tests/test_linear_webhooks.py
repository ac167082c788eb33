"""Linear webhooks in: ``Linear-Signature`` and ``webhookTimestamp`` checked, Issue and Comment events merged into
the records of the connections that sync the issue's team and forwarded; a bad signature or a stale delivery
changes nothing.

Bodies are built as Linear documents them (``data`` naming related objects by ``teamId``, ``stateId``,
``assigneeId``, ``creatorId``, ``labelIds`` besides nested ``state``, ``team``, ``labels``), from the fake's state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_linear
from fake_linear import PRIORITY_LABELS, WEB, FakeLinear, now
from test_unified_linear import catalog_override, connect, named

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

SECRET = "lin_wh_0123456789abcdef"


@pytest.fixture
def fake() -> Iterator[FakeLinear]:
    linear = FakeLinear()
    ada, grace = linear.add_user("Ada Lovelace", admin=True), linear.add_user("Grace Hopper")
    eng = linear.add_team("ENG", "Engineering")
    linear.add_team("OPS", "Operations")
    linear.add_label("bug", team=eng)
    linear.add_project("Launch")
    first = linear.add_issue(eng, "First", ada)
    linear.add_comment(first, "Seen it", grace)
    with linear.run():
        yield linear


@pytest.fixture
async def api(tmp_path: Path, fake: FakeLinear, unigate_database: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {"providers_files": [catalog_override(tmp_path, fake)], "allow_private_hosts": True}
    async with make_gateway(plugins=[unigate_linear], **settings, **unigate_database) as (_, client):
        ada = named(fake.users, "Ada Lovelace")
        client.headers.update(await connect(client, fake.oauth_token_for(ada, expires_in=None)))
        for name in ("collections", "tickets", "comments"):
            assert (await run_sync(client, "lin", "user-1", name))["status"] == "SUCCESS"
        answer = await client.put("/integrations/lin/webhook-secret", json={"secret": SECRET})
        assert answer.json()["data"]["webhook_url"].endswith("/webhook/prod/lin")
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


def issue_data(fake: FakeLinear, issue: dict[str, Any]) -> dict[str, Any]:
    """An issue as Linear's ``Issue`` webhooks carry it in ``data``."""
    state, team = fake.states[issue["stateId"]], fake.teams[issue["teamId"]]
    assignee, project = fake.users.get(issue["assigneeId"] or ""), fake.projects.get(issue["projectId"] or "")
    keys = ("id", "createdAt", "updatedAt", "title", "description", "identifier", "teamId", "stateId", "labelIds")
    keys += ("assigneeId", "creatorId", "projectId", "parentId", "dueDate", "startedAt", "completedAt", "canceledAt")
    data = {key: issue[key] for key in keys if issue[key] is not None}
    data |= {"number": int(issue["number"]), "priority": issue["priority"]}
    data |= {"priorityLabel": PRIORITY_LABELS[issue["priority"]], "sortOrder": 0.0, "prioritySortOrder": 0.0}
    data |= {"url": f"{WEB}/{fake.org['urlKey']}/issue/{issue['identifier']}", "subscriberIds": []}
    data["state"] = {key: state[key] for key in ("id", "name", "color", "type")}
    data["team"] = {key: team[key] for key in ("id", "key", "name")}
    data["labels"] = [{key: fake.labels[i][key] for key in ("id", "name", "color")} for i in issue["labelIds"]]
    if assignee:
        data["assignee"] = {"id": assignee["id"], "name": assignee["name"]}
    if project:
        data["project"] = {"id": project["id"], "name": project["name"]}
    return data


def event(fake: FakeLinear, kind: str, action: str, data: dict[str, Any], age_ms: int = 0) -> dict[str, Any]:
    return {
        "action": action,
        "type": kind,
        "actor": {"id": str(uuid.uuid4()), "type": "user", "name": "Ada Lovelace"},
        "createdAt": now(),
        "data": data,
        "url": data.get("url", f"{WEB}/acme"),
        "organizationId": fake.org["id"],
        "webhookTimestamp": int(time.time() * 1000) - age_ms,
        "webhookId": str(uuid.uuid4()),
    }


def signed(payload: dict[str, Any], secret: str = SECRET) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "content": body,
        "headers": {"Linear-Signature": digest, "Linear-Event": payload["type"], "Authorization": ""},
    }


async def records(api: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("/records", params={"model": model})).json()["records"]
    return found


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


def unified(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("_nango_metadata", "remote_data")}


def first_issue(fake: FakeLinear) -> dict[str, Any]:
    return named(fake.issues, "First", "title")


async def test_an_update_reaches_the_records_as_a_sync_would_map_it(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    issue, eng = first_issue(fake), named(fake.teams, "ENG", "key")
    grace, bug, launch = named(fake.users, "Grace Hopper"), named(fake.labels, "bug"), named(fake.projects, "Launch")
    issue.update(title="First, in review", stateId=fake.state_named(eng, "In Review")["id"], priority=2)
    issue.update(assigneeId=grace["id"], labelIds=[bug["id"]], projectId=launch["id"], updatedAt=now())
    answer = await api.post("/webhook/prod/lin", **signed(event(fake, "Issue", "update", issue_data(fake, issue))))
    assert answer.status_code == 200, answer.text
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 1, "deleted": 0}]
    (ticket,) = await records(api, "Ticket")
    assert (ticket["name"], ticket["status"], ticket["remote_status"]) == (
        "First, in review",
        "IN_PROGRESS",
        "In Review",
    )
    assert (ticket["priority"], ticket["assignees"], ticket["tags"]) == ("HIGH", [grace["id"]], ["bug"])
    assert ticket["collections"] == [eng["id"], launch["id"]] and ticket["creator"] == issue["creatorId"]
    (forward,) = await forwards(api)
    assert forward["payload"]["from"] == "linear" and forward["payload"]["payload"]["data"]["id"] == issue["id"]
    live = (await api.get(f"/tickets/{issue['id']}")).json()["data"]
    assert unified(ticket) == {k: live[k] for k in unified(ticket)}  # the webhook maps as the GraphQL issue does


async def test_comments_and_removals(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    issue, ada = first_issue(fake), named(fake.users, "Ada Lovelace")
    stamp = now()
    data = {"id": str(uuid.uuid4()), "body": "Fixed in main", "issueId": issue["id"], "userId": ada["id"]}
    data |= {"createdAt": stamp, "updatedAt": stamp, "issue": {"id": issue["id"], "title": "First"}}
    data |= {"issue": {"id": issue["id"], "title": issue["title"], "teamId": issue["teamId"]}}
    answer = await api.post("/webhook/prod/lin", **signed(event(fake, "Comment", "create", data)))
    assert answer.json()["connections"][0]["added"] == 1
    comment = next(c for c in await records(api, "Comment") if c["id"] == data["id"])
    assert (comment["ticket"], comment["body"], comment["user"]) == (issue["id"], "Fixed in main", ada["id"])
    gone = await api.post("/webhook/prod/lin", **signed(event(fake, "Issue", "remove", issue_data(fake, issue))))
    assert gone.json()["connections"][0]["deleted"] == 1
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "DELETED"


async def test_an_event_of_a_team_nobody_syncs_reaches_no_connection(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    data = issue_data(fake, first_issue(fake)) | {"teamId": str(uuid.uuid4())}
    data["team"] = {"id": data["teamId"], "key": "OTH", "name": "Other"}
    answer = await api.post("/webhook/prod/lin", **signed(event(fake, "Issue", "update", data)))
    assert answer.status_code == 200 and answer.json()["connections"] == []


async def test_a_bad_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    data = issue_data(fake, first_issue(fake)) | {"title": "Forged"}
    refused = await api.post("/webhook/prod/lin", **signed(event(fake, "Issue", "update", data), "not the secret"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []


async def test_a_missing_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    data = issue_data(fake, first_issue(fake)) | {"title": "Forged"}
    request = signed(event(fake, "Issue", "update", data))
    del request["headers"]["Linear-Signature"]
    refused = await api.post("/webhook/prod/lin", **request)
    assert refused.status_code == 401
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []


async def test_a_stale_delivery_is_refused_though_signed(api: httpx.AsyncClient, fake: FakeLinear) -> None:
    data = issue_data(fake, first_issue(fake)) | {"title": "Replayed"}
    refused = await api.post("/webhook/prod/lin", **signed(event(fake, "Issue", "update", data, age_ms=61_000)))
    assert refused.status_code == 401 and "webhookTimestamp" in refused.json()["error"]["message"]
    (ticket,) = await records(api, "Ticket")
    assert ticket["name"] == "First" and await forwards(api) == []
