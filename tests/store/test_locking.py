"""``begin_write`` + ``for_update``: a second writer waits for the first to commit, then reads what it wrote."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from gateway.runtime import Gateway
from gateway.store.integrations import require_integration
from gateway.store.locking import begin_write
from gateway.store.tables import Integration
from gateway.testing.kit import make_gateway

HOLD = 0.5


async def test_second_writer_waits_for_the_first_and_sees_its_write(gateway: Gateway) -> None:
    async with gateway.sessions() as session:
        session.add(Integration(unique_key="gh", provider="github"))
        await session.commit()
    first_locked = asyncio.Event()

    async def first() -> None:
        async with gateway.sessions() as session:
            await begin_write(session)
            row = await require_integration(session, "gh", for_update=True)
            first_locked.set()
            await asyncio.sleep(HOLD)
            row.display_name = "first"
            session.add(row)
            await session.commit()

    async def second() -> tuple[str | None, float]:
        await first_locked.wait()
        started = asyncio.get_running_loop().time()
        async with gateway.sessions() as session:
            await begin_write(session)
            row = await require_integration(session, "gh", for_update=True)
            waited = asyncio.get_running_loop().time() - started
            return row.display_name, waited

    _, (seen, waited) = await asyncio.gather(first(), second())
    assert seen == "first" and waited >= HOLD * 0.8


async def test_in_memory_database_shares_one_connection_without_errors() -> None:
    """The plugin kit's in-memory database: concurrent writers share its one connection (no BEGIN IMMEDIATE)."""
    async with make_gateway() as (gateway, client):
        for round_ in range(5):
            key = f"gh-{round_}"
            assert (await client.post("/integrations", json={"provider": "github", "unique_key": key})).is_success
            responses = await asyncio.gather(
                client.patch(f"/integrations/{key}", json={"display_name": "x"}), client.delete(f"/integrations/{key}")
            )
            assert {r.status_code for r in responses} <= {200, 404}, [r.text for r in responses]
        async with gateway.sessions() as session:
            assert (await session.exec(select(Integration))).all() == []
