"""The procrastinate job engine on PostgreSQL: two real ``unigate worker`` processes share the syncs; one is killed
(``kill -9``) in the middle of a 10,000-issue run and the other finishes it, every record exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import unigate_github
from starlette.requests import Request
from starlette.responses import Response
from typer.testing import CliRunner

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.cli.main import app as cli
from gateway.instance_secrets import ConfigurationError
from gateway.settings import Settings
from tests.conftest import PG_ADMIN_URL
from tests.servers import unigate_env
from tests.workers import running_worker

sys.path.insert(0, str(Path(unigate_github.__file__).resolve().parents[1] / "tests"))
from fake_github import FakeGitHub  # noqa: E402

ISSUES = 10_000
LEASE = "3"


class SlowGitHub(FakeGitHub):
    """GitHub answering each page of issues after a short pause, so a run of 100 pages lasts a few seconds."""

    async def list_issues(self, request: Request) -> Response:
        await asyncio.sleep(0.03)
        return await super().list_issues(request)


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """An empty database of this test's own (procrastinate's tables come and go with it)."""
    name = f"unigate_jobs_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[SlowGitHub]:
    """GitHub with one repository of ``ISSUES`` issues (or as many as the test's indirect parameter says)."""
    gh = SlowGitHub()
    gh.add_user("octo")
    repo = gh.add_repo("octo", "big")
    for n in range(1, getattr(request, "param", ISSUES) + 1):
        gh.add_issue(repo, f"Issue {n}", user="octo")
    with gh.run():
        yield gh


@pytest.fixture
async def world(fake: SlowGitHub, fresh_postgres: str, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """A migrated database with one GitHub connection; the environment workers run with."""
    override = tmp_path / "github.yaml"
    override.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
    env = unigate_env(
        tmp_path / "data",
        fresh_postgres,
        UNIGATE_JOB_ENGINE="procrastinate",
        UNIGATE_PROVIDERS_FILES=str(override),
        UNIGATE_ALLOW_PRIVATE_HOSTS="true",
        UNIGATE_SYNC_LEASE_SECONDS=LEASE,
        UNIGATE_SYNC_SWEEP_SECONDS="0.5",
    )
    migrated = subprocess.run([str(Path(sys.executable).with_name("unigate")), "migrate"], env=env, capture_output=True)
    assert migrated.returncode == 0, migrated.stderr
    assert b"created the job engine's tables (procrastinate)" in migrated.stdout
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=fresh_postgres,
        job_engine="procrastinate",
        syncs=False,  # this process only sets things up: the workers enqueue and run the syncs
        providers_files=str(override),
        allow_private_hosts=True,
    )
    gateway = build_gateway(settings, plugins=[unigate_github], entrypoints=False)
    await gateway.start()
    auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    transport = httpx.ASGITransport(app=create_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
        assert (await client.post("/integrations", json={"provider": "github", "unique_key": "gh"})).status_code < 300
        credentials = {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True}
        made = await client.post(
            "/connections", json={"provider_config_key": "gh", "connection_id": "octo", "credentials": credentials}
        )
        assert made.status_code == 201, made.text
    await gateway.stop()
    yield env


def _query(url: str, sql: str) -> tuple[object, ...]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute(sql).fetchone()
        assert row is not None
        return tuple(row)


TICKETS_STATE = "SELECT id FROM sync_states WHERE sync_name = 'tickets'"
TICKETS = "SELECT count(*), count(distinct record_id) FROM records WHERE model = 'Ticket'"


def _tickets(url: str) -> int:
    return int(str(_query(url, TICKETS)[0]))


def _wait(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_a_killed_worker_s_run_is_finished_by_the_other_every_record_once(world: dict[str, str]) -> None:
    url = world["UNIGATE_DATABASE_URL"]
    with running_worker(world, "--concurrency", "2") as first, running_worker(world, "--concurrency", "2") as second:
        _wait("the tickets run starting", lambda: 0 < _tickets(url) < ISSUES // 2, 30)
        (state_id,) = _query(url, TICKETS_STATE)
        started = f"sync state {state_id}: run started"
        victim, survivor = (first, second) if started in first.log.read_text() else (second, first)
        assert started in victim.log.read_text() and started not in survivor.log.read_text()
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait()
        partial = _tickets(url)
        assert 0 < partial < ISSUES

        done = f"SELECT status, checkpoint::text FROM sync_states WHERE id = {state_id}"
        _wait("the survivor finishing the run", lambda: _query(url, done)[0] == "SUCCESS", 40)
        assert survivor.process.poll() is None, survivor.log.read_text()
    assert _query(url, TICKETS) == (ISSUES, ISSUES)
    status, checkpoint = _query(url, done)
    assert status == "SUCCESS" and "modified_after" in str(checkpoint)
    (last,) = _query(url, f"SELECT last_result::text FROM sync_states WHERE id = {state_id}")
    added = json.loads(str(last))["Ticket"]["added"]
    assert added == ISSUES - partial, last  # the rerun added only what the killed run had not committed


def test_the_job_engine_refuses_sqlite(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, job_engine="procrastinate")
    with pytest.raises(ConfigurationError, match="UNIGATE_JOB_ENGINE=procrastinate needs PostgreSQL"):
        build_gateway(settings, entrypoints=False)
    env = {"UNIGATE_DATA_DIR": str(tmp_path), "UNIGATE_JOB_ENGINE": "procrastinate"}
    for command in (["worker"], ["migrate"]):
        result = CliRunner().invoke(cli, command, env=env)
        assert result.exit_code == 1
        assert "UNIGATE_JOB_ENGINE=procrastinate needs PostgreSQL" in result.output


def test_a_worker_needs_the_job_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["worker"], env={"UNIGATE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "needs UNIGATE_JOB_ENGINE=procrastinate" in result.output


async def test_a_server_on_the_job_engine_enqueues_syncs_once_and_runs_none(
    world: dict[str, str], tmp_path: Path
) -> None:
    url = world["UNIGATE_DATABASE_URL"]
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        job_engine="procrastinate",
        providers_files=world["UNIGATE_PROVIDERS_FILES"],
        allow_private_hosts=True,
        sync_sweep_seconds=0.2,
    )
    gateway = build_gateway(settings, plugins=[unigate_github], entrypoints=False)
    await gateway.start()
    try:
        auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        transport = httpx.ASGITransport(app=create_app(gateway))
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
            body = {"syncs": ["tickets"], "provider_config_key": "gh", "connection_id": "octo"}
            for _ in range(3):
                assert (await client.post("/sync/trigger", json=body)).json() == {"success": True}
            await asyncio.sleep(0.6)  # a few sweeps
            status = await client.get("/sync/status", params={**body, "syncs": "tickets"})
            assert status.json()["syncs"][0]["status"] == "PENDING"  # waiting for a worker
    finally:
        await gateway.stop()
    jobs = "SELECT count(*), count(distinct lock), min(status::text), max(status::text) FROM procrastinate_jobs"
    states = int(str(_query(url, "SELECT count(*) FROM sync_states")[0]))
    assert states == len(unigate_github.GitHubProvider.syncs) and _query(url, jobs) == (states, states, "todo", "todo")
    assert _tickets(url) == 0


@pytest.mark.parametrize("fake", [300], indirect=True)
def test_a_worker_runs_one_provider_s_syncs_within_its_bound(world: dict[str, str]) -> None:
    url = world["UNIGATE_DATABASE_URL"]
    bounded = {**world, "UNIGATE_SYNC_CONCURRENCY_PER_PROVIDER": "1"}
    finished = "SELECT count(*) FROM sync_states WHERE status = 'SUCCESS'"
    count = len(unigate_github.GitHubProvider.syncs)
    with running_worker(bounded, "--concurrency", "4"):
        _wait(f"the {count} GitHub syncs finishing", lambda: _query(url, finished) == (count,), 30)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        runs = conn.execute("SELECT last_started_at, last_finished_at FROM sync_states ORDER BY 1").fetchall()
    assert all(earlier[1] <= later[0] for earlier, later in zip(runs, runs[1:], strict=False)), runs  # one at a time
