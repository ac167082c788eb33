"""Connection changes told across servers over PostgreSQL: heard by the others, not by the teller, and still heard
after the listener lost its connection."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable

import psycopg
import pytest

from gateway.store.engine import create_engine_for
from gateway.store.notify import CHANNEL, ConnectionChanges, Forget, libpq_url, parse, payload

Heard = list[tuple[str | None, str | None]]


def recorder(heard: Heard) -> Forget:
    def forget(integration_key: str | None, connection_id: str | None) -> None:
        heard.append((integration_key, connection_id))

    return forget


@pytest.fixture
async def pair(postgres_url: str) -> AsyncIterator[tuple[ConnectionChanges, ConnectionChanges, Heard, Heard]]:
    """Two servers' channels on one database, each recording what it was told to forget."""
    heard: tuple[Heard, Heard] = ([], [])
    engines = [create_engine_for(postgres_url) for _ in heard]
    changes = [ConnectionChanges(postgres_url, engine, recorder(h)) for engine, h in zip(engines, heard, strict=True)]
    for channel in changes:
        await channel.start()
        assert channel.connected.is_set()
    yield changes[0], changes[1], heard[0], heard[1]
    for channel, engine in zip(changes, engines, strict=True):
        await channel.stop()
        await engine.dispose()


async def until(condition: Callable[[], bool], bound: float = 1.0) -> None:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < bound, f"not within {bound} s"
        await asyncio.sleep(0.02)


async def test_the_other_server_hears_each_change_and_the_teller_does_not(
    pair: tuple[ConnectionChanges, ConnectionChanges, Heard, Heard],
) -> None:
    one, _, heard_by_one, heard_by_other = pair
    one.publish("github", "user-1")
    one.publish("github", None)  # the whole integration
    one.publish(None, None)  # everything
    await until(lambda: len(heard_by_other) == 3)
    assert heard_by_other == [("github", "user-1"), ("github", None), (None, None)]
    await asyncio.sleep(0.2)
    assert heard_by_one == []


async def test_foreign_notifications_are_ignored(
    pair: tuple[ConnectionChanges, ConnectionChanges, Heard, Heard], postgres_url: str
) -> None:
    one, _, _, heard_by_other = pair
    async with await psycopg.AsyncConnection.connect(libpq_url(postgres_url), autocommit=True) as conn:
        for text in ("not json", "[1, 2]", json.dumps({"from": "x", "integration": 3})):
            await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, text))
    one.publish("after", "garbage")
    await until(lambda: bool(heard_by_other))
    assert heard_by_other == [("after", "garbage")]


async def test_a_listener_that_lost_its_connection_listens_again_and_forgets_everything(
    pair: tuple[ConnectionChanges, ConnectionChanges, Heard, Heard], postgres_url: str
) -> None:
    one, other, _, heard_by_other = pair
    async with await psycopg.AsyncConnection.connect(libpq_url(postgres_url), autocommit=True) as admin:
        query = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s AND datname = current_database()"
        )
        killed = await (await admin.execute(query, (f"LISTEN {CHANNEL}",))).fetchall()
    assert len(killed) == 2  # both listeners
    await until(lambda: (None, None) in heard_by_other, bound=3.0)  # missed notifications: forget everything
    await until(other.connected.is_set)
    heard_by_other.clear()
    one.publish("github", "user-2")
    await until(lambda: heard_by_other == [("github", "user-2")])


def test_payloads_name_the_change_or_everything_when_too_long() -> None:
    assert parse(payload("me", "github", "u1")) == ("me", "github", "u1")
    assert parse(payload("me", "github", None)) == ("me", "github", None)
    assert parse(payload("me", "k" * 10_000, "u1")) == ("me", None, None)
    assert len(payload("me", "é" * 255, "é" * 255)) < 8000
