"""Syncs end to end: the GitHub plugin's syncs against its fake, into the records cache of a real database, read
through Nango's records and sync routes."""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_github
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.syncs import runner
from gateway.testing.loopback import run_app

sys.path.insert(0, str(Path(unigate_github.__file__).resolve().parents[1] / "tests"))
from fake_github import FakeGitHub  # noqa: E402

HEADERS = {"Connection-Id": "octo", "Provider-Config-Key": "gh"}


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    gh.add_user("octo")
    hello = gh.add_repo("octo", "hello")
    world = gh.add_repo("octo", "world")
    for n in range(1, 131):  # two pages of 100 in hello
        gh.add_issue(hello, f"Hello {n}", user="octo")
    gh.add_issue(world, "World 1", user="octo")
    with gh.run():
        yield gh


@pytest.fixture
async def world(
    fake: FakeGitHub, settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    override = tmp_path / "github.yaml"
    override.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
    settings = settings.model_copy(
        update={"providers_files": str(override), "allow_private_hosts": True, "sync_sweep_seconds": 3600}
    )
    gateway = build_gateway(settings, plugins=[unigate_github], entrypoints=False)
    await gateway.start()
    transport = httpx.ASGITransport(app=create_app(gateway))
    auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
        await client.post("/integrations", json={"provider": "github", "unique_key": "gh"})
        credentials = {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True}
        made = await client.post(
            "/connections", json={"provider_config_key": "gh", "connection_id": "octo", "credentials": credentials}
        )
        assert made.status_code == 201, made.text
        yield gateway, client
    await gateway.stop()


async def _run(client: httpx.AsyncClient, gateway: Gateway, *syncs: str, **opts: bool) -> dict[str, Any]:
    """Trigger the syncs and wait for their runs to finish; their status entries by name."""
    body: dict[str, Any] = {"syncs": list(syncs), "provider_config_key": "gh", "connection_id": "octo"}
    if opts:
        body["opts"] = opts
    before = {s["name"]: s["finishedAt"] for s in await _status(client, *syncs)}
    assert (await client.post("/sync/trigger", json=body)).json() == {"success": True}
    for _ in range(200):
        statuses = {s["name"]: s for s in await _status(client, *syncs)}
        if all(s["status"] in ("SUCCESS", "ERROR") and s["finishedAt"] != before.get(n) for n, s in statuses.items()):
            return statuses
        await asyncio.sleep(0.05)
    raise AssertionError(f"syncs did not finish: {statuses}")


async def _status(client: httpx.AsyncClient, *syncs: str) -> list[dict[str, Any]]:
    answer = await client.get(
        "/sync/status", params={"syncs": ",".join(syncs), "provider_config_key": "gh", "connection_id": "octo"}
    )
    assert answer.status_code == 200, answer.text
    statuses: list[dict[str, Any]] = answer.json()["syncs"]
    return statuses


async def _records(client: httpx.AsyncClient, model: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = params.pop("cursor", None)
    while True:
        page = await client.get(
            "/records/", params={"model": model, "limit": 50, **params, **({"cursor": cursor} if cursor else {})},
            headers=HEADERS,
        )  # fmt: skip
        assert page.status_code == 200, page.text
        found += page.json()["records"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return found


async def test_a_first_sync_copies_every_issue_then_only_changes(
    world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub
) -> None:
    gateway, client = world
    first = await _run(client, gateway, "tickets")
    assert first["tickets"]["status"] == "SUCCESS", first
    assert first["tickets"]["latestResult"] == {"Ticket": {"added": 131, "updated": 0, "deleted": 0}}
    assert first["tickets"]["recordCount"] == {"Ticket": 131} and first["tickets"]["type"] == "INCREMENTAL"
    records = await _records(client, "Ticket")
    assert len(records) == 131 and len({r["id"] for r in records}) == 131
    assert {r["_nango_metadata"]["last_action"] for r in records} == {"ADDED"}
    assert "Hello 1" in {r["name"] for r in records} and "remote_data" not in records[0]
    last_cursor = records[-1]["_nango_metadata"]["cursor"]

    edited = fake.repos["octo/hello"].issues[4]
    edited.title, edited.updated_at = "Hello 5, edited", "2099-01-01T00:00:00Z"
    second = await _run(client, gateway, "tickets")
    assert second["tickets"]["latestResult"] == {"Ticket": {"added": 0, "updated": 1, "deleted": 0}}
    since = await _records(client, "Ticket", cursor=last_cursor)
    assert [(r["name"], r["_nango_metadata"]["last_action"]) for r in since] == [("Hello 5, edited", "UPDATED")]


async def test_comments_are_synced_per_ticket_and_then_only_for_changed_tickets(
    world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "OVERLAP", timedelta(0))  # runs a second apart here, not hours: no safety margin
    gateway, client = world
    await _run(client, gateway, "tickets")
    before = len(fake.requests)
    first = await _run(client, gateway, "comments")
    assert first["comments"]["status"] == "SUCCESS" and len(fake.requests) - before == 131  # one list per ticket
    # GitHub's times have whole seconds: comment in a later second than the tickets run began, or (with no overlap)
    # the issue's new updated_at may fall before that run's checkpoint
    await asyncio.sleep(math.ceil(time.time()) - time.time() + 0.05)
    posted = await client.post("/tickets/octo/hello%2312/comments", json={"body": "Seen it"}, headers=HEADERS)
    assert posted.status_code == 201, posted.text
    await _run(client, gateway, "tickets")  # the comment changed its issue's updated_at
    before = len(fake.requests)
    second = await _run(client, gateway, "comments")
    assert second["comments"]["latestResult"] == {"Comment": {"added": 1, "updated": 0, "deleted": 0}}
    assert len(fake.requests) - before == 1  # only the changed ticket was visited
    (comment,) = await _records(client, "Comment")
    assert (comment["ticket"], comment["body"]) == ("octo/hello#12", "Seen it")


async def test_runs_are_counted_in_the_metrics(world: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = world
    await _run(client, gateway, "collections")
    text = (await client.get("/metrics")).text
    assert 'unigate_sync_runs_total{outcome="success",provider="github",sync="collections"}' in text
    assert 'unigate_sync_records_total{action="added",provider="github",sync="collections"}' in text


async def test_a_full_sync_detects_deletions(world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub) -> None:
    gateway, client = world
    first = await _run(client, gateway, "collections")
    assert first["collections"]["latestResult"] == {"Collection": {"added": 2, "updated": 0, "deleted": 0}}
    del fake.repos["octo/world"]
    second = await _run(client, gateway, "collections")
    assert second["collections"]["latestResult"] == {"Collection": {"added": 0, "updated": 0, "deleted": 1}}
    deleted = await _records(client, "Collection", filter="deleted")
    assert [r["id"] for r in deleted] == ["octo/world"] and deleted[0]["_nango_metadata"]["deleted_at"]
    assert second["collections"]["recordCount"] == {"Collection": 1}


async def test_a_failed_run_keeps_its_checkpoint_and_commits_nothing_twice(
    world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub
) -> None:
    gateway, client = world
    await _run(client, gateway, "tickets")
    for token in list(fake.tokens):
        fake.revoke_token(token)
    failed = await _run(client, gateway, "tickets")
    assert failed["tickets"]["status"] == "ERROR" and "credentials" in failed["tickets"]["error"]
    assert failed["tickets"]["latestResult"] == {
        "Ticket": {"added": 131, "updated": 0, "deleted": 0}
    }  # the last success


async def test_prune_empties_payloads_up_to_a_cursor(world: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = world
    await _run(client, gateway, "collections")
    first, second = await _records(client, "Collection")
    body = {"model": "Collection", "until_cursor": first["_nango_metadata"]["cursor"]}
    pruned = await client.patch("/records/prune", json=body, headers=HEADERS)
    assert pruned.json() == {"count": 1, "has_more": False}
    after = await _records(client, "Collection")
    assert after[0] == {"id": first["id"], "_nango_metadata": after[0]["_nango_metadata"]}
    assert after[0]["_nango_metadata"]["pruned_at"] and after[1] == second
    again = await client.patch("/records/prune", json=body, headers=HEADERS)
    assert again.json()["count"] == 0


async def test_records_are_encrypted_at_rest(world: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = world
    await _run(client, gateway, "collections")
    async with gateway.engine.connect() as conn:
        stored = [row[0] for row in await conn.execute(text("SELECT payload FROM records"))]
    assert stored and not any("octo/hello" in value for value in stored)


async def test_runs_send_sync_webhooks(world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub) -> None:
    gateway, client = world
    received: list[dict[str, Any]] = []

    async def hook(request: Request) -> Response:
        received.append(await request.json())
        return Response(status_code=204)

    with run_app(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as url:
        await client.patch("/environment/webhook-settings", json={"primary_url": f"{url}/hook"})
        await _run(client, gateway, "collections")
        await _run(client, gateway, "collections")  # nothing changed: no webhook unless always asked for
        for token in list(fake.tokens):
            fake.revoke_token(token)
        await _run(client, gateway, "collections")
        await gateway.webhook_queue.stop()  # drains what is in flight
        for delivery_id in await gateway.webhooks.due():
            await gateway.webhooks.send(delivery_id)
    success, failure = received
    assert success == {
        **success,
        "type": "sync",
        "syncName": "collections",
        "model": "Collection",
        "connectionId": "octo",
        "providerConfigKey": "gh",
        "syncType": "INITIAL",
        "success": True,
        "responseResults": {"added": 2, "updated": 0, "deleted": 0},
    }
    assert failure["success"] is False and "credentials" in failure["error"]["description"]


async def test_unified_lists_answer_from_the_cache(world: tuple[Gateway, httpx.AsyncClient], fake: FakeGitHub) -> None:
    gateway, client = world
    await _run(client, gateway, "tickets")
    await _run(client, gateway, "collections")
    calls = len(fake.requests)
    world_only = await client.get(
        "/tickets", params={"source": "cache", "collection_id": "octo/world"}, headers=HEADERS
    )
    assert world_only.status_code == 200, world_only.text
    assert [t["name"] for t in world_only.json()["data"]] == ["World 1"] and world_only.json()["next_cursor"] is None
    names: list[str] = []
    page = await client.get("/tickets", params={"source": "cache", "page_size": 50}, headers=HEADERS)
    while True:
        names += [t["name"] for t in page.json()["data"]]
        if page.json()["next_cursor"] is None:
            break
        page = await client.get(
            "/tickets", params={"source": "cache", "cursor": page.json()["next_cursor"]}, headers=HEADERS
        )
    assert len(names) == 131 == len(set(names))
    assert len(fake.requests) == calls  # the provider was not asked
    del fake.repos["octo/world"]
    await _run(client, gateway, "collections")
    cached = await client.get("/collections", params={"source": "cache"}, headers=HEADERS)
    assert {c["id"]: c["remote_was_deleted"] for c in cached.json()["data"]} == {
        "octo/hello": False,
        "octo/world": True,
    }
    other = await client.get(
        "/tickets", params={"source": "cache", "cursor": page.json()["next_cursor"] or "x"}, headers=HEADERS
    )
    assert other.status_code == 400


async def test_pause_reset_and_bad_requests(world: tuple[Gateway, httpx.AsyncClient]) -> None:
    gateway, client = world
    scope = {"provider_config_key": "gh", "connection_id": "octo"}
    paused = await client.post("/sync/pause", json={"syncs": ["tickets"], **scope})
    assert paused.json() == {"success": True}
    assert (await _status(client, "tickets"))[0]["status"] == "PAUSED"
    assert (await client.post("/sync/start", json={"syncs": ["tickets"], **scope})).status_code == 200
    await _run(client, gateway, "collections")
    reset = await _run(client, gateway, "collections", reset=True, emptyCache=True)
    assert reset["collections"]["latestResult"] == {"Collection": {"added": 2, "updated": 0, "deleted": 0}}
    unknown = await client.post("/sync/trigger", json={"syncs": ["issues"], **scope})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_sync"
    frequency = await client.put(
        "/sync/update-connection-frequency", json={"sync_name": "tickets", "frequency": "every 5m", **scope}
    )
    assert frequency.json() == {"frequency": "every 5m"}
    assert (await _status(client, "tickets"))[0]["frequency"] == "every 5m"
    too_often = await client.put(
        "/sync/update-connection-frequency", json={"sync_name": "tickets", "frequency": "every 5s", **scope}
    )
    assert too_often.status_code == 400 and "30 seconds" in too_often.json()["error"]["message"]
    stranger = await client.get("/records", params={"model": "Ticket"}, headers={**HEADERS, "Connection-Id": "eve"})
    assert stranger.status_code == 404
    bad_cursor = await client.get("/records", params={"model": "Ticket", "cursor": "nope"}, headers=HEADERS)
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["error"]["message"]
