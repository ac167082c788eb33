"""Background runs (``X-Async: true``): 202 ``{id, statusUrl}`` at once, ``GET /action/{id}`` until the output;
failures kept with their status; retries counted; input and output encrypted at rest and re-encrypted on key
rotation; a run left running by a process that died is finished by the next one on the same database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text, update

from gateway.action_runs.runs import RUNNING, TABLE
from gateway.crypto import Keyring, generate_key, parse_key, value_key_id
from gateway.key_rotation import RotationReport, reencrypt_all
from gateway.store.engine import sync_url
from gateway.store.types import utcnow
from gateway.testing.loopback import run_app
from tests.actions.doer import API_KEY, HEADERS, DoerApi, doer_gateway
from tests.test_at_rest import dump_database


async def start(client: httpx.AsyncClient, name: str, input: Any = None, **headers: str) -> str:
    answer = await client.post(
        "/action/trigger",
        json={"action_name": name, "input": input},
        headers={**HEADERS, "X-Async": "true", **headers},
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert set(body) == {"id", "statusUrl"} and body["statusUrl"] == f"/action/{body['id']}"
    run_id: str = body["id"]
    return run_id


async def result(client: httpx.AsyncClient, run_id: str, timeout: float = 10.0) -> httpx.Response:
    """Poll ``GET /action/{id}`` as a caller would, until it is no longer 202."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        answer = await client.get(f"/action/{run_id}")
        if answer.status_code != 202:
            return answer
        assert answer.headers["retry-after"] == "1"
        assert answer.json() == {"id": run_id, "status": answer.json()["status"]}
        assert answer.json()["status"] in ("pending", "running")
        assert asyncio.get_running_loop().time() < deadline, "the run did not finish"
        await asyncio.sleep(0.05)


async def test_a_background_run_round_trip(database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (gateway, client):
            run_id = await start(client, "add-labels", {"issue": 3, "labels": ["urgent"]})
            answer = await result(client, run_id)
            stored = await gateway.action_runs.get(run_id)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"issue": 3, "labels": ["existing", "urgent"]}
    assert stored is not None and (stored.status, stored.attempts) == ("succeeded", 1)
    assert api.seen == [("POST", "/issues/3/labels", f"Bearer {API_KEY}")]


async def test_a_finished_run_queues_the_async_action_webhook(database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (gateway, client):
            await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
            run_id = await start(client, "add-labels", {"issue": 3, "labels": ["urgent"]})
            await result(client, run_id)
            deliveries = (await client.get("/environment/webhook-deliveries")).json()["data"]
    (webhook,) = [d for d in deliveries if d["type"] == "async_action"]
    assert webhook["payload"] == {
        "from": "nango",
        "type": "async_action",
        "connectionId": HEADERS["Connection-Id"],
        "providerConfigKey": HEADERS["Provider-Config-Key"],
        "payload": {"id": run_id, "statusUrl": f"/action/{run_id}"},
    }


async def test_a_pending_run_answers_202_with_retry_after(tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9") as (gateway, client):
        run_id = await gateway.action_runs.create("doer-prod", "c1", "echo", {}, 0)  # stored, not submitted
        answer = await client.get(f"/action/{run_id}")
    assert answer.status_code == 202
    assert answer.json() == {"id": run_id, "status": "pending"} and answer.headers["retry-after"] == "1"


async def test_a_failed_run_answers_its_error(tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url) as (gateway, client):
            refused = await result(client, await start(client, "call", {"path": "/refuse"}, **{"X-Max-Retries": "3"}))
            crashed = await result(client, await start(client, "crash"))
            refused_run = await gateway.action_runs.get(refused.request.url.path.rsplit("/", 1)[1])
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request"
    assert "issue is locked" in refused.json()["error"]["message"]
    assert refused_run is not None and refused_run.attempts == 1  # a refusal is not retried
    assert api.paths() == ["/refuse"]
    assert crashed.status_code == 502 and crashed.json()["error"]["code"] == "action_script_failure"
    assert API_KEY not in crashed.text


async def test_input_is_checked_before_the_run_is_stored(tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9") as (gateway, client):
        answer = await client.post(
            "/action/trigger",
            json={"action_name": "add-labels", "input": {"issue": 1}},
            headers={**HEADERS, "X-Async": "true"},
        )
        bad_header = await client.post(
            "/action/trigger", json={"action_name": "echo"}, headers={**HEADERS, "X-Async": "yes"}
        )
        assert await gateway.action_runs.claimable() == []
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_action_input"
    assert bad_header.status_code == 400 and bad_header.json()["error"]["errors"][0]["path"] == ["X-Async"]


async def test_retries_of_a_background_run_are_counted(database_url: str, tmp_path: Path) -> None:
    api = DoerApi(flaky_left=2)
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (gateway, client):
            run_id = await start(client, "call", {"path": "/flaky"}, **{"X-Max-Retries": "2"})
            answer = await result(client, run_id)
            stored = await gateway.action_runs.get(run_id)
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert stored is not None and stored.attempts == 3
    assert api.paths() == ["/flaky"] * 3


async def test_unknown_and_malformed_run_ids(tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9", connected=False) as (_, client):
        unknown = await client.get("/action/6f1c2f0e-8a4b-4c47-9d3e-2b1a0c9d8e7f")
        malformed = await client.get("/action/not-a-uuid")
        keyless = await client.get("/action/6f1c2f0e-8a4b-4c47-9d3e-2b1a0c9d8e7f", headers={"Authorization": ""})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_action_run"
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "invalid_uri_params"
    assert malformed.json()["error"]["errors"][0]["path"] == ["id"]
    assert keyless.status_code == 401


async def test_input_and_output_are_encrypted_at_rest(database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (_, client):
            ok = await result(client, await start(client, "echo", {"note": "plain-input-marker"}))
            labelled = await result(client, await start(client, "add-labels", {"issue": 1, "labels": ["lbl-xyz"]}))
    assert ok.json() == {"note": "plain-input-marker"} and "lbl-xyz" in labelled.text
    dump = dump_database(database_url)
    assert "plain-input-marker" not in dump and "lbl-xyz" not in dump and "existing" not in dump
    assert "echo" in dump  # the action's name is plain: only input and result are sealed


async def test_a_run_left_running_by_a_dead_process_is_finished(database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (gateway, client):
            run_id = await gateway.action_runs.create("doer-prod", "c1", "add-labels", {"issue": 9, "labels": ["a"]}, 0)
            # what a process that died in the middle of its first attempt leaves: running, its lease run out
            async with gateway.engine.begin() as conn:
                expired = utcnow() - timedelta(seconds=1)
                await conn.execute(
                    update(TABLE)
                    .where(TABLE.c.run_id == run_id)
                    .values(status=RUNNING, attempts=1, lease_until=expired)
                )
        key = gateway.settings.encryption_key
        async with doer_gateway(tmp_path, url, connected=False, database_url=database_url, encryption_key=key) as (
            restarted,
            client,
        ):
            answer = await result(client, run_id)
            stored = await restarted.action_runs.get(run_id)
    assert answer.status_code == 200 and answer.json() == {"issue": 9, "labels": ["a", "existing"]}
    assert stored is not None and stored.attempts == 2


async def test_a_run_held_by_a_live_worker_is_left_alone(database_url: str, tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9", database_url=database_url) as (gateway, _):
        run_id = await gateway.action_runs.create("doer-prod", "c1", "echo", {}, 0)
        claimed = await gateway.action_runs.claim(run_id)
        again = await gateway.action_runs.claim(run_id)
        assert await gateway.action_runs.claimable() == []
    assert claimed is not None and claimed.status == RUNNING and again is None


def stored_key_ids(database_url: str) -> set[str]:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT input, result FROM action_runs")).all()
    engine.dispose()
    return {value_key_id(v) for row in rows for v in row if v}


async def test_key_rotation_re_encrypts_runs(database_url: str, tmp_path: Path) -> None:
    old = generate_key()
    async with doer_gateway(tmp_path, "http://127.0.0.1:9", database_url=database_url, encryption_key=old) as (
        gateway,
        client,
    ):
        run_id = await start(client, "echo", {"n": 1})
        assert (await result(client, run_id)).json() == {"n": 1}
        fresh = generate_key()
        new = Keyring([parse_key(fresh, "test"), parse_key(old, "test")])
        report = RotationReport(primary_key_id=new.primary_id)
        await reencrypt_all(gateway.engine, new, report)
    assert report.reencrypted == {"connections.credentials": 1, "action_runs.input": 1, "action_runs.result": 1}
    assert stored_key_ids(database_url) == {new.primary_id}
    async with doer_gateway(
        tmp_path, "http://127.0.0.1:9", connected=False, database_url=database_url, encryption_key=fresh
    ) as (rotated, client):
        assert (await client.get(f"/action/{run_id}")).json() == {"n": 1}  # the old key is gone
        stored = await rotated.action_runs.get(run_id)
    assert stored is not None and stored.input == {"n": 1}
