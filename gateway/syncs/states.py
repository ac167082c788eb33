"""Sync states in the database: one per connection and sync; the schedule, the checkpoint and the run's lease.

A run is claimed by setting its lease in one conditional UPDATE, so two servers never run one connection's sync at
once; a run whose worker died is taken up again once its lease expires. Every connection of an integration whose
provider declares syncs gets its states (``ensure``), due at once: syncs start with the connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.outbox import Event, Outbox
from gateway.registry import ProviderRegistry
from gateway.store.tables import Connection, Integration, SyncState
from gateway.store.types import utcnow

TABLE = SyncState.__table__  # type: ignore[attr-defined]
CONNECTIONS = Connection.__table__  # type: ignore[attr-defined]
INTEGRATIONS = Integration.__table__  # type: ignore[attr-defined]
LEASE = timedelta(seconds=120)  # the default; ``UNIGATE_SYNC_LEASE_SECONDS``


@dataclass
class Claimed:
    """A sync run this worker holds: the state, its connection and integration."""

    state_id: int
    sync_name: str
    connection_pk: int
    connection_id: str
    integration_key: str
    provider: str
    checkpoint: dict[str, Any]
    frequency: str | None
    runs: int
    failures: int


def _free(now: datetime) -> Any:
    return or_(TABLE.c.lease_until.is_(None), TABLE.c.lease_until < now)


class SyncStates:
    def __init__(self, engine: AsyncEngine, outbox: Outbox | None = None, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.outbox = outbox
        self.lease = lease

    async def ensure(self, providers: ProviderRegistry) -> None:
        """Create the missing states of every connection whose provider declares syncs."""
        for key, provider in providers.items():
            for name in provider.syncs:
                missing = (
                    select(CONNECTIONS.c.id)
                    .join(INTEGRATIONS, CONNECTIONS.c.integration_id == INTEGRATIONS.c.id)
                    .where(INTEGRATIONS.c.provider == key)
                    .where(~exists().where(and_(TABLE.c.connection_pk == CONNECTIONS.c.id, TABLE.c.sync_name == name)))
                )
                async with self.engine.begin() as conn:
                    pks = [row[0] for row in await conn.execute(missing)]
                for pk in pks:
                    try:
                        async with self.engine.begin() as conn:
                            await conn.execute(TABLE.insert().values(**_new_state(pk, name)))
                    except IntegrityError:  # another server created it meanwhile
                        continue

    async def due(self, limit: int = 100) -> list[str]:
        """Ids of states to run now: not paused, due, and not held by a live worker."""
        now = utcnow()
        query = (
            select(TABLE.c.id)
            .where(TABLE.c.paused.is_(False), TABLE.c.next_run_at <= now, _free(now))
            .order_by(TABLE.c.next_run_at)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [str(row[0]) for row in await conn.execute(query)]

    async def claim(self, state_id: int) -> Claimed | None:
        """Take the run (lease it); None when it is not due, paused, or another worker holds it."""
        now = utcnow()
        async with self.engine.begin() as conn:
            taken = await conn.execute(
                update(TABLE)
                .where(TABLE.c.id == state_id, TABLE.c.paused.is_(False), TABLE.c.next_run_at <= now, _free(now))
                .values(status="RUNNING", lease_until=now + self.lease, last_started_at=now)
            )
            if not taken.rowcount:
                return None
            row = (
                await conn.execute(
                    select(TABLE, CONNECTIONS.c.connection_id, INTEGRATIONS.c.unique_key, INTEGRATIONS.c.provider)
                    .join(CONNECTIONS, TABLE.c.connection_pk == CONNECTIONS.c.id)
                    .join(INTEGRATIONS, CONNECTIONS.c.integration_id == INTEGRATIONS.c.id)
                    .where(TABLE.c.id == state_id)
                )
            ).one()
        return Claimed(
            row.id,
            row.sync_name,
            row.connection_pk,
            row.connection_id,
            row.unique_key,
            row.provider,
            dict(row.checkpoint or {}),
            row.frequency,
            row.runs,
            row.failures,
        )

    async def provider_of(self, state_id: int) -> str | None:
        """The provider whose sync state ``state_id`` is; None when the state is gone."""
        query = (
            select(INTEGRATIONS.c.provider)
            .join(CONNECTIONS, CONNECTIONS.c.integration_id == INTEGRATIONS.c.id)
            .join(TABLE, TABLE.c.connection_pk == CONNECTIONS.c.id)
            .where(TABLE.c.id == state_id)
        )
        async with self.engine.connect() as conn:
            found = (await conn.execute(query)).scalar_one_or_none()
        return str(found) if found is not None else None

    async def renew(self, state_id: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(TABLE).where(TABLE.c.id == state_id).values(lease_until=utcnow() + self.lease))

    async def finish(
        self,
        claimed: Claimed,
        next_run_at: datetime,
        *,
        checkpoint: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        event: Event | None = None,
    ) -> None:
        """Record how the run ended and when the next one is due, releasing the lease; ``event`` (the sync
        webhook) is queued in the same transaction."""
        values: dict[str, Any] = {
            "lease_until": None,
            "last_finished_at": utcnow(),
            "next_run_at": next_run_at,
            "runs": claimed.runs + 1,
        }
        if error is None:
            values |= {"status": "SUCCESS", "checkpoint": checkpoint or {}, "last_result": result or {}}
            values |= {"last_error": None, "failures": 0}
        else:
            values |= {"status": "ERROR", "last_error": error, "failures": claimed.failures + 1}
        async with self.engine.begin() as conn:
            await conn.execute(update(TABLE).where(TABLE.c.id == claimed.state_id).values(values))
            if event is not None and self.outbox is not None:
                await self.outbox.add_in(conn, event)

    async def release(self, state_id: int) -> None:
        """Give an interrupted run back (the server stops): due again at once."""
        async with self.engine.begin() as conn:
            await conn.execute(update(TABLE).where(TABLE.c.id == state_id).values(lease_until=None, status="PENDING"))

    async def of_connection(self, connection_pk: int, names: list[str] | None = None) -> list[dict[str, Any]]:
        query = select(TABLE).where(TABLE.c.connection_pk == connection_pk).order_by(TABLE.c.sync_name)
        if names:
            query = query.where(TABLE.c.sync_name.in_(names))
        async with self.engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]

    async def change(self, connection_pk: int, names: list[str], **values: Any) -> list[int]:
        """Set ``values`` on the named syncs of a connection; the ids changed."""
        query = update(TABLE).where(TABLE.c.connection_pk == connection_pk, TABLE.c.sync_name.in_(names))
        async with self.engine.begin() as conn:
            result = await conn.execute(query.values(**values).returning(TABLE.c.id))
            return [row[0] for row in result]


def _new_state(connection_pk: int, name: str) -> dict[str, Any]:
    now = utcnow()
    return {
        "connection_pk": connection_pk,
        "sync_name": name,
        "checkpoint": {},
        "paused": False,
        "status": "PENDING",
        "next_run_at": now,
        "last_result": {},
        "runs": 0,
        "failures": 0,
    }
