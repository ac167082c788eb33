"""The records store on a real database: upserts by content hash, deletions, Nango's listing order and cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.assemble import build_gateway
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.store.tables import Connection, Integration
from gateway.syncs.records import RecordStore
from unified_models import Tag


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[tuple[RecordStore, int]]:
    gateway: Gateway = build_gateway(settings, entrypoints=False)
    async with gateway.sessions() as session:
        integration = Integration(unique_key="gh", provider="github")
        session.add(integration)
        await session.flush()
        connection = Connection(
            connection_id="c", integration_id=integration.id or 0, credentials_type="OAUTH2", credentials="x"
        )
        session.add(connection)
        await session.commit()
        pk = connection.id or 0
    yield gateway.syncs.records, pk
    await gateway.engine.dispose()


def tags(*names: str) -> list[Tag]:
    return [Tag(id=name, remote_id=name, provider="github", name=name.title()) for name in names]


async def write(store: RecordStore, pk: int, items: list[Tag], run: int) -> dict[str, int]:
    async with store.engine.begin() as conn:
        return (await store.write_page(conn, pk, "Tag", items, run)).as_dict()


async def test_unchanged_objects_are_not_updates(store: tuple[RecordStore, int]) -> None:
    records, pk = store
    assert await write(records, pk, tags("bug", "docs"), 1) == {"added": 2, "updated": 0, "deleted": 0}
    assert await write(records, pk, tags("bug", "docs"), 2) == {"added": 0, "updated": 0, "deleted": 0}
    renamed = tags("bug")[0].model_copy(update={"name": "Bugs"})
    assert await write(records, pk, [renamed], 3) == {"added": 0, "updated": 1, "deleted": 0}
    page = await records.list(pk, "Tag")
    assert [(r["id"], r["name"], r["_nango_metadata"]["last_action"]) for r in page.records] == [
        ("docs", "Docs", "ADDED"),
        ("bug", "Bugs", "UPDATED"),  # changed last, so listed last
    ]


async def test_a_full_run_marks_the_unseen_deleted_and_a_return_revives(store: tuple[RecordStore, int]) -> None:
    records, pk = store
    await write(records, pk, tags("bug", "docs", "ux"), 1)
    await write(records, pk, tags("bug", "docs"), 2)
    async with records.engine.begin() as conn:
        assert await records.delete_unseen(conn, pk, "Tag", 2) == 1
    deleted = await records.list(pk, "Tag", actions=["DELETED"])
    assert [r["id"] for r in deleted.records] == ["ux"] and deleted.records[0]["_nango_metadata"]["deleted_at"]
    assert await records.count(pk, "Tag") == 2
    assert await write(records, pk, tags("ux"), 3) == {"added": 0, "updated": 1, "deleted": 0}
    assert await records.count(pk, "Tag") == 3


async def test_cursors_resume_after_the_last_record_read(store: tuple[RecordStore, int]) -> None:
    records, pk = store
    await write(records, pk, tags(*[f"t{n}" for n in range(5)]), 1)
    first = await records.list(pk, "Tag", limit=2)
    assert [r["id"] for r in first.records] == ["t0", "t1"] and first.next_cursor
    rest = await records.list(pk, "Tag", limit=10, cursor=first.next_cursor)
    assert [r["id"] for r in rest.records] == ["t2", "t3", "t4"] and rest.next_cursor is None
    only = await records.list(pk, "Tag", ids=["t4", "t1"])
    assert [r["id"] for r in only.records] == ["t1", "t4"]
    assert (await records.list(pk, "Other")).records == []
    with pytest.raises(GatewayError) as bad:
        await records.list(pk, "Tag", cursor="not-a-cursor")
    assert bad.value.status_code == 400
