"""``unigate keys rotate`` against a running server: every read during and after rotation succeeds."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from gateway.crypto import KeyringSource, value_key_id
from gateway.store.engine import sync_url
from tests.servers import UNIGATE, running_server, unigate_env

CONNECTIONS = 40


def stored_key_ids(database_url: str) -> set[str]:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        values = [r[0] for r in conn.execute(text("SELECT credentials FROM connections"))]
        values += [r[0] for r in conn.execute(text("SELECT secrets FROM integrations WHERE secrets IS NOT NULL"))]
    engine.dispose()
    return {value_key_id(v) for v in values}


async def test_rotation_while_serving(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = unigate_env(data_dir, database_url)
    with running_server(env) as server:
        old_id = KeyringSource(path=data_dir / "encryption.keys").current().primary_id
        async with server.client() as client:
            created = await client.post(
                "/integrations",
                json={
                    "provider": "github",
                    "unique_key": "gh",
                    "credentials": {"type": "OAUTH2", "client_id": "c", "client_secret": "client-secret"},
                },
            )
            assert created.status_code == 200
            for i in range(CONNECTIONS):
                body = {
                    "provider_config_key": "gh",
                    "connection_id": f"c{i}",
                    "credentials": {"type": "OAUTH2", "access_token": f"token-{i}", "no_expiration": True},
                }
                assert (await client.post("/connections", json=body)).status_code == 201

            reads: list[tuple[int, bool]] = []
            done = asyncio.Event()

            async def keep_reading() -> None:
                i = 0
                while not done.is_set():
                    n = i % CONNECTIONS
                    r = await client.get(f"/connections/c{n}", params={"provider_config_key": "gh"})
                    ok = r.status_code == 200 and r.json()["credentials"]["access_token"] == f"token-{n}"
                    reads.append((r.status_code, ok))
                    i += 1

            reader = asyncio.create_task(keep_reading())
            rotation = await asyncio.create_subprocess_exec(
                UNIGATE,
                "keys",
                "rotate",
                "--settle",
                "0.5",
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out, err = await rotation.communicate()
            done.set()
            await reader
            assert rotation.returncode == 0, err.decode()
            assert f"re-encrypted {CONNECTIONS + 1} values" in out.decode()
            assert reads and all(ok for _, ok in reads), [r for r in reads if not r[1]][:3]

            new_id = KeyringSource(path=data_dir / "encryption.keys").current().primary_id
            assert new_id != old_id
            assert (data_dir / "encryption.keys").read_text().count("\n") == 1
            assert stored_key_ids(database_url) == {new_id}
            after = await client.get("/connections/c7", params={"provider_config_key": "gh"})
            assert after.json()["credentials"]["access_token"] == "token-7"
            secret = await client.get("/integrations/gh", params={"include": "credentials"})
            assert secret.json()["data"]["credentials"]["client_secret"] == "client-secret"
