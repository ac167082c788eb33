"""The in-process run queue: runs in flight when the server stops are given back (pending) for the next server,
and each run is worked on once even when submitted twice."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

from gateway.action_runs.worker import ActionWorker
from gateway.background import InProcessQueue
from gateway.testing.loopback import run_app
from tests.actions.doer import DoerApi, doer_gateway
from tests.servers import UNIGATE, unigate_env


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_run_in_flight_at_stop_is_given_back(database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        async with doer_gateway(tmp_path, url, database_url=database_url) as (gateway, client):
            runs = gateway.action_runs
            worker = ActionWorker(runs, gateway.live, gateway.providers, gateway.outbound)
            queue = InProcessQueue(worker.work, runs.claimable, grace_seconds=0.1)
            await queue.start()
            run_id = await runs.create("doer-prod", "c1", "call", {"path": "/slow?seconds=3"}, 0)
            queue.submit(run_id)
            queue.submit(run_id)  # already queued: worked on once

            async def started() -> bool:
                return bool(api.seen)

            await until(started)
            await queue.stop()
            given_back = await runs.get(run_id)
            assert given_back is not None and (given_back.status, given_back.attempts) == ("pending", 1)
            assert await runs.claimable() == [run_id]
            answer = await client.get(f"/action/{run_id}")
    assert answer.status_code == 202 and answer.json()["status"] == "pending"
    assert api.paths() == ["/slow"]


async def test_a_command_line_process_leaves_runs_to_servers(database_url: str, tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9", database_url=database_url) as (gateway, _):
        await gateway.action_queue.stop()  # this test's own server works on nothing
        run_id = await gateway.action_runs.create("doer-prod", "c1", "echo", {}, 0)
        listed = subprocess.run(
            [UNIGATE, "integrations", "list"],
            env=unigate_env(tmp_path / "cli", database_url),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listed.returncode == 0, listed.stderr
        left = await gateway.action_runs.get(run_id)
    assert left is not None and (left.status, left.attempts) == ("pending", 0)
