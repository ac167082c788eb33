"""Merging a provider webhook's changes into the records, and forwarding it, in one transaction per connection.

The connections an event is for: those whose ``connection_config`` holds the result's values, else those whose
synced collections include the result's ``collection``, else all of the integration's. Each gets the changed
objects upserted and the deleted ones marked in its records (so ``GET /records`` shows an edit without waiting for
the schedule), and a ``forward`` webhook queued for the customer's app with the same commit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, select, update

from gateway.outbox import Event, Outbox
from gateway.provider import WebhookResult
from gateway.resource_types import ResourceTypes
from gateway.store.tables import Connection, Record
from gateway.store.types import utcnow
from gateway.syncs.records import RecordStore

CONNECTIONS = Connection.__table__  # type: ignore[attr-defined]
RECORDS = Record.__table__  # type: ignore[attr-defined]


async def targets(records: RecordStore, integration_id: int, result: WebhookResult) -> list[tuple[int, str]]:
    """``(connection pk, connection id)`` of the connections the event is for."""
    query = select(CONNECTIONS.c.id, CONNECTIONS.c.connection_id, CONNECTIONS.c.connection_config).where(
        CONNECTIONS.c.integration_id == integration_id
    )
    async with records.engine.connect() as conn:
        rows = list(await conn.execute(query))
        if result.connection_config:
            wanted = result.connection_config.items()
            return [
                (r.id, r.connection_id)
                for r in rows
                if all(str((r.connection_config or {}).get(k)) == v for k, v in wanted)
            ]
        if result.collection is not None:
            holding = select(RECORDS.c.connection_pk).where(
                and_(
                    RECORDS.c.model == "Collection",
                    RECORDS.c.record_id == result.collection,
                    RECORDS.c.deleted_at.is_(None),
                )
            )
            pks = {row[0] for row in await conn.execute(holding)}
            return [(r.id, r.connection_id) for r in rows if r.id in pks]
    return [(r.id, r.connection_id) for r in rows]


async def merge(
    records: RecordStore,
    outbox: Outbox,
    types: ResourceTypes,
    connection: tuple[int, str],
    integration_key: str,
    provider: str,
    result: WebhookResult,
) -> dict[str, int]:
    """Store the result's changes in one connection's records and queue the forward webhook; counts by action."""
    pk, connection_id = connection
    changed: dict[str, list[Any]] = defaultdict(list)
    for resource, item in result.changed:
        item.provider = provider
        changed[types[resource].model.__name__].append(item)
    counts = {"added": 0, "updated": 0, "deleted": 0}
    async with records.engine.begin() as conn:
        for model, items in changed.items():
            written = await records.write_page(conn, pk, model, items, run=0)
            counts["added"] += written.added
            counts["updated"] += written.updated
        for resource, record_id in result.deleted:
            model = types[resource].model.__name__
            gone = await conn.execute(
                update(RECORDS)
                .where(
                    RECORDS.c.connection_pk == pk,
                    RECORDS.c.model == model,
                    RECORDS.c.record_id == record_id,
                    RECORDS.c.deleted_at.is_(None),
                )
                .values(last_action="DELETED", deleted_at=utcnow(), last_modified_at=utcnow())
            )
            counts["deleted"] += int(gone.rowcount or 0)
        body = {
            "from": provider,
            "type": "forward",
            "connectionId": connection_id,
            "providerConfigKey": integration_key,
            "payload": result.payload,
        }
        await outbox.add_in(conn, Event("forward", body))
    return counts
