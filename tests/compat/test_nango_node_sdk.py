"""Nango's own Node SDK (``@nangohq/node``, installed from npm at test time) works against Unigate."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from pathlib import Path

import pytest

from gateway.testing.loopback import run_app
from gateway.testing.npm_cache import npm_install
from tests.actions.doer import DoerApi, connect, doer_catalog
from tests.servers import RunningServer, running_server, unigate_env

SCRIPT = Path(__file__).with_name("nango_node_client.mjs")


@pytest.fixture(scope="session")
def nango_node_modules() -> Path:
    """The SDK installed into a cache outside the repository (nothing of it is committed)."""
    return npm_install("@nangohq/node", "0.71.10")


def test_nango_node_sdk_round_trip(nango_node_modules: Path, database_url: str, tmp_path: Path) -> None:
    with running_server(unigate_env(tmp_path / "data", database_url)) as server:
        result = subprocess.run(
            ["node", str(SCRIPT), str(nango_node_modules), server.url, server.secret_key],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["created"]["data"]["unique_key"] == "gh"
    assert [c["unique_key"] for c in out["integrations"]["configs"]] == ["gh"]
    assert out["integration"]["data"]["credentials"]["client_secret"] == "client-secret"
    assert out["import_status"] == 201
    assert [c["connection_id"] for c in out["connections"]["connections"]] == ["user-1"]
    assert [c["connection_id"] for c in out["connections_by_user"]["connections"]] == ["user-1"]
    assert out["connection"]["credentials"]["access_token"] == "gho_token"
    assert "refresh_token" not in out["connection"]["credentials"]
    assert out["connection_with_refresh"]["credentials"]["refresh_token"] == "ghr_refresh"
    assert out["token"] == "gho_token"
    assert out["metadata"] == {"plan": "pro", "seats": 3}
    assert out["patched"] == {"success": True}
    assert out["deleted_status"] == 200
    assert out["missing"]["status"] == 404 and out["missing"]["body"]["error"]["code"] == "unknown_connection"
    assert out["bad_key"]["status"] == 401 and out["bad_key"]["body"]["error"]["code"] == "invalid_secret_key"


def test_nango_node_sdk_actions(nango_node_modules: Path, database_url: str, tmp_path: Path) -> None:
    api = DoerApi()
    with run_app(api.app()) as url:
        env = unigate_env(
            tmp_path / "data",
            database_url,
            UNIGATE_PROVIDERS_FILES=str(doer_catalog(tmp_path, url)),
            UNIGATE_ALLOW_PRIVATE_HOSTS="true",
            UNIGATE_SECRET_KEY=str(uuid.uuid4()),
        )
        with running_server(env, factory="tests.compat.action_server:app") as server:
            asyncio.run(_connect(server))
            result = subprocess.run(
                ["node", str(SCRIPT), str(nango_node_modules), server.url, server.secret_key, "actions"],
                capture_output=True,
                text=True,
                timeout=120,
            )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["sync"] == {"issue": 5, "labels": ["existing", "from-sdk"]}
    assert (
        set(out["accepted"]) == {"id", "statusUrl"}
        and out["accepted"]["statusUrl"] == f"/action/{out['accepted']['id']}"
    )
    assert out["polls"][-1] == out["by_id"] == {"issue": 5, "labels": ["existing", "from-sdk"]}
    assert all(p == {"id": out["accepted"]["id"], "status": p["status"]} for p in out["polls"][:-1])
    assert out["unknown"]["status"] == 404 and out["unknown"]["body"]["error"]["code"] == "unknown_action"
    assert out["invalid"]["status"] == 400 and out["invalid"]["body"]["error"]["code"] == "invalid_action_input"
    assert api.paths() == ["/issues/5/labels"] * 2


async def _connect(server: RunningServer) -> None:
    async with server.client() as client:
        await connect(client)
