"""Stored action runs (``action_runs``): created pending, claimed by one worker at a time, finished once.

The input and the result (output or error) are sealed by the vault; everything else is plain. A worker claims a
run by a conditional update (pending, or running with an expired lease), so two servers on one database never
work on the same run at once, and a run whose worker died is claimed again once its lease runs out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.errors import GatewayError
from gateway.outbox import Event, Outbox
from gateway.store.tables import ActionRun
from gateway.store.types import utcnow
from gateway.vault import Vault

PENDING, RUNNING, SUCCEEDED, FAILED = "pending", "running", "succeeded", "failed"
LEASE = timedelta(seconds=60)  # the worker renews it every third of that while the run goes on
TABLE = ActionRun.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Run:
    """A run as stored, its input and result opened."""

    run_id: str
    integration_key: str
    connection_id: str
    action_name: str
    status: str
    input: Any
    max_retries: int
    attempts: int
    result: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None

    def error(self) -> GatewayError | None:
        """The stored failure as the error it was, for a failed run."""
        if self.status != FAILED or self.result is None:
            return None
        error = self.result["error"]
        return GatewayError(int(self.result["status"]), error["code"], error["message"], errors=error.get("errors"))


def parse_run_id(text: str) -> str | None:
    """The canonical form of a run id, or None when ``text`` is not a UUID."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


class ActionRuns:
    """The runs table: create, read, claim, record attempts and finish runs."""

    def __init__(self, engine: AsyncEngine, vault: Vault, outbox: Outbox | None = None) -> None:
        self.engine = engine
        self.vault = vault
        self.outbox = outbox  # the async_action webhook of a finished run

    async def create(
        self, integration_key: str, connection_id: str, action_name: str, input: Any, max_retries: int
    ) -> str:
        """A new pending run; returns its id."""
        run_id = str(uuid.uuid4())
        now = utcnow()
        values = {
            "run_id": run_id,
            "integration_key": integration_key,
            "connection_id": connection_id,
            "action_name": action_name,
            "status": PENDING,
            "input": self.vault.seal(ActionRun, "input", {"input": input}),
            "max_retries": max_retries,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        async with self.engine.begin() as conn:
            await conn.execute(TABLE.insert().values(values))
        return run_id

    async def get(self, run_id: str) -> Run | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(TABLE).where(TABLE.c.run_id == run_id))).mappings().first()
        if row is None:
            return None
        result = self.vault.open(ActionRun, "result", row["result"]) if row["result"] else None
        return Run(
            run_id=row["run_id"],
            integration_key=row["integration_key"],
            connection_id=row["connection_id"],
            action_name=row["action_name"],
            status=row["status"],
            input=self.vault.open(ActionRun, "input", row["input"])["input"],
            max_retries=row["max_retries"],
            attempts=row["attempts"],
            result=result,
            created_at=row["created_at"],
            finished_at=row["finished_at"],
        )

    @staticmethod
    def _claimable(now: datetime) -> Any:
        expired = or_(TABLE.c.lease_until.is_(None), TABLE.c.lease_until < now)
        return or_(TABLE.c.status == PENDING, and_(TABLE.c.status == RUNNING, expired))

    async def claimable(self, limit: int = 100) -> list[str]:
        """Ids of runs no worker holds: pending, or running with an expired lease (their worker died)."""
        query = select(TABLE.c.run_id).where(self._claimable(utcnow())).order_by(TABLE.c.id).limit(limit)
        async with self.engine.connect() as conn:
            return [row[0] for row in await conn.execute(query)]

    async def claim(self, run_id: str) -> Run | None:
        """Take the run for this worker (running, leased); None when another worker holds it or it is done."""
        now = utcnow()
        async with self.engine.begin() as conn:
            taken = await conn.execute(
                update(TABLE)
                .where(and_(TABLE.c.run_id == run_id, self._claimable(now)))
                .values(status=RUNNING, lease_until=now + LEASE, updated_at=now)
            )
        return await self.get(run_id) if taken.rowcount else None

    async def renew(self, run_id: str, attempts: int | None = None) -> None:
        """Extend this worker's lease; with ``attempts``, an attempt starts: count it."""
        now = utcnow()
        values: dict[str, Any] = {"lease_until": now + LEASE, "updated_at": now}
        if attempts is not None:
            values["attempts"] = attempts
        async with self.engine.begin() as conn:
            await conn.execute(
                update(TABLE).where(and_(TABLE.c.run_id == run_id, TABLE.c.status == RUNNING)).values(values)
            )

    async def release(self, run_id: str) -> None:
        """Give a running run back (the server stops): pending again, for the next worker."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(TABLE)
                .where(and_(TABLE.c.run_id == run_id, TABLE.c.status == RUNNING))
                .values(status=PENDING, lease_until=None, updated_at=utcnow())
            )

    async def finish(self, run_id: str, attempts: int, output: Any = None, error: GatewayError | None = None) -> None:
        """Store how the run ended: succeeded with ``output``, or failed with ``error`` (its status and body)."""
        if error is None:
            status, result = SUCCEEDED, {"output": output}
        else:
            status, result = FAILED, {"status": error.status_code, **error.body()}
        now = utcnow()
        async with self.engine.begin() as conn:
            await conn.execute(
                update(TABLE)
                .where(TABLE.c.run_id == run_id)
                .values(
                    status=status,
                    result=self.vault.seal(ActionRun, "result", result),
                    attempts=attempts,
                    lease_until=None,
                    updated_at=now,
                    finished_at=now,
                )
            )
            if self.outbox is not None:
                row = (await conn.execute(select(TABLE).where(TABLE.c.run_id == run_id))).one()
                await self.outbox.add_in(conn, _completion(row))


def _completion(row: Any) -> Event:
    """Nango's ``async_action`` webhook: the run is done, its result is at ``statusUrl``."""
    body = {
        "from": "nango",
        "type": "async_action",
        "connectionId": row.connection_id,
        "providerConfigKey": row.integration_key,
        "payload": {"id": row.run_id, "statusUrl": f"/action/{row.run_id}"},
    }
    return Event("async_action", body, "on_async_action_completion")
