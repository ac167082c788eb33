"""Asana webhooks in: the ``X-Hook-Secret`` handshake keeps the secret and echoes it; deliveries signed with it
(``X-Hook-Signature``) mark deleted tasks and stories in the records and are forwarded; compact ``changed`` events
are forwarded only. A bad or missing signature, a delivery before any handshake and a second handshake change
nothing.

Deliveries are built as Asana documents them: ``{"events": [{"user", "created_at", "action", "resource": {"gid",
"resource_type", "resource_subtype"}, "parent", "change"}]}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_asana
from fake_asana import FakeAsana
from test_unified_asana import catalog

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

HOOK_SECRET = secrets.token_hex(32)  # what Asana sends in the handshake


@pytest.fixture
def fake() -> Iterator[FakeAsana]:
    asana = FakeAsana()
    acme = asana.add_workspace("Acme")
    ada = asana.add_user("Ada Lovelace", acme)
    launch = asana.add_project(acme, "Launch", ada, "Ship it")
    task = asana.add_task(ada, "First", launch)
    asana.add_story(task, ada, "Looks good")
    with asana.run():
        yield asana


@pytest.fixture
async def api(tmp_path: Path, fake: FakeAsana, unigate_database: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {
        "providers_files": [catalog(tmp_path, fake)],
        "allow_private_hosts": True,
        **unigate_database,
    }
    async with make_gateway(plugins=[unigate_asana], **settings) as (_, client):
        integration = {"type": "OAUTH2", "client_id": fake.client_id, "client_secret": fake.client_secret}
        await client.post(
            "/integrations", json={"provider": "asana", "unique_key": "asana", "credentials": integration}
        )
        ada = next(u for u in fake.world.users.values() if u.name == "Ada Lovelace")
        token = {"type": "OAUTH2", "access_token": fake.oauth_token_for(ada, expires_in=None), "no_expiration": True}
        imported = await client.post(
            "/connections", json={"provider_config_key": "asana", "connection_id": "u1", "credentials": token}
        )
        assert imported.status_code == 201, imported.text
        client.headers.update({"Connection-Id": "u1", "Provider-Config-Key": "asana"})
        for name in ("collections", "tickets", "comments"):
            assert (await run_sync(client, "asana", "u1", name))["status"] == "SUCCESS"
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


async def shake(api: httpx.AsyncClient, secret: str = HOOK_SECRET) -> httpx.Response:
    """The handshake Asana POSTs while ``POST /webhooks`` is in flight: no body, ``X-Hook-Secret``."""
    return await api.post("/webhook/prod/asana", headers={"X-Hook-Secret": secret, "Authorization": ""})


def delivery(*events: dict[str, Any], secret: str | None = HOOK_SECRET) -> dict[str, Any]:
    body = json.dumps({"events": list(events)}).encode()
    headers = {"Authorization": ""}
    if secret is not None:
        headers["X-Hook-Signature"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"content": body, "headers": headers}


def event(action: str, gid: str, kind: str, parent: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    subtype = {"task": "default_task", "story": "comment_added"}.get(kind)
    found = {"user": {"gid": "1", "resource_type": "user"}, "created_at": "2026-03-01T10:00:00.000Z"}
    found |= {"action": action, "resource": {"gid": gid, "resource_type": kind, "resource_subtype": subtype}}
    return found | {"parent": parent} | extra


def first_task(fake: FakeAsana) -> str:
    return next(gid for gid, t in fake.world.tasks.items() if t.name == "First")


def first_story(fake: FakeAsana) -> str:
    return next(iter(fake.world.stories))


async def records(api: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("/records", params={"model": model})).json()["records"]
    return found


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


async def test_the_handshake_echoes_and_keeps_the_secret(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    answer = await shake(api)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-hook-secret"] == HOOK_SECRET and await forwards(api) == []
    changed = event("changed", first_task(fake), "task", change={"field": "name", "action": "changed"})
    accepted = await api.post("/webhook/prod/asana", **delivery(changed))
    assert accepted.status_code == 200 and accepted.json()["connections"][0]["connection_id"] == "u1"


async def test_deleted_tasks_and_stories_leave_the_records(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    task, story = first_task(fake), first_story(fake)
    gone = delivery(
        event("deleted", story, "story", {"gid": task, "resource_type": "task"}), event("deleted", task, "task")
    )
    answer = await api.post("/webhook/prod/asana", **gone)
    assert answer.json()["connections"] == [{"connection_id": "u1", "added": 0, "updated": 0, "deleted": 2}]
    (ticket,), (comment,) = await records(api, "Ticket"), await records(api, "Comment")
    assert ticket["_nango_metadata"]["last_action"] == comment["_nango_metadata"]["last_action"] == "DELETED"
    (forward,) = await forwards(api)
    assert forward["payload"]["from"] == "asana" and len(forward["payload"]["payload"]["events"]) == 2


async def test_a_changed_task_is_read_again_into_the_records(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    task = fake.world.tasks[first_task(fake)]
    task.completed, task.completed_at = True, "2026-03-01T10:00:00.000Z"  # done on Asana; the event names it only
    changed = event("changed", task.gid, "task", change={"field": "completed", "action": "changed"})
    answer = await api.post("/webhook/prod/asana", **delivery(changed, changed))  # twice: read once
    assert answer.json()["connections"] == [{"connection_id": "u1", "added": 0, "updated": 1, "deleted": 0}]
    record = next(r for r in await records(api, "Ticket") if r["id"] == task.gid)
    assert record["status"] == "CLOSED" and record["_nango_metadata"]["last_action"] == "UPDATED"
    (forward,) = await forwards(api)
    assert forward["payload"]["payload"]["events"][0]["change"]["field"] == "completed"


async def test_other_compact_events_are_forwarded_only(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    before = await records(api, "Comment")
    story = event("added", first_story(fake), "story", {"gid": first_task(fake), "resource_type": "task"})
    answer = await api.post("/webhook/prod/asana", **delivery(story))
    assert answer.json()["connections"] == [{"connection_id": "u1", "added": 0, "updated": 0, "deleted": 0}]
    assert await records(api, "Comment") == before and len(await forwards(api)) == 1


async def test_a_bad_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    forged = await api.post("/webhook/prod/asana", **delivery(event("deleted", first_task(fake), "task"), secret="x"))
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_signature"
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "ADDED" and await forwards(api) == []


async def test_a_missing_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    unsigned = await api.post(
        "/webhook/prod/asana", **delivery(event("deleted", first_task(fake), "task"), secret=None)
    )
    assert unsigned.status_code == 401
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "ADDED" and await forwards(api) == []


async def test_a_delivery_before_any_handshake_is_refused(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    early = await api.post("/webhook/prod/asana", **delivery(event("deleted", first_task(fake), "task")))
    assert early.status_code == 401 and "handshake" in early.json()["error"]["message"]
    assert await forwards(api) == []


async def test_a_second_handshake_cannot_swap_the_secret(api: httpx.AsyncClient, fake: FakeAsana) -> None:
    assert (await shake(api)).status_code == 200
    swap = await shake(api, "attacker-chosen-secret")
    assert swap.status_code == 401 and "x-hook-secret" not in swap.headers
    forged = delivery(event("deleted", first_task(fake), "task"), secret="attacker-chosen-secret")
    assert (await api.post("/webhook/prod/asana", **forged)).status_code == 401
    (ticket,) = await records(api, "Ticket")
    assert ticket["_nango_metadata"]["last_action"] == "ADDED"
