"""The records cache: synced objects per connection and model, encrypted, with Nango's record metadata.

A page written by a sync upserts by unified id: a new object is ADDED, a changed one (its content hash differs)
UPDATED, an unchanged one only marked as seen. A full sync's end marks the objects it did not see as DELETED.
Listing orders by ``(last_modified_at, id)``; the cursor is that pair, so a consumer that stored it resumes
after the last record it read and sees again any record changed since.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.errors import GatewayError
from gateway.store.tables import Record
from gateway.store.types import utcnow
from gateway.vault import Vault
from unified_models import RemoteObject

TABLE = Record.__table__  # type: ignore[attr-defined]
ACTIONS = ("ADDED", "UPDATED", "DELETED")


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    deleted: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.updated += other.updated
        self.deleted += other.deleted
        return self

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "deleted": self.deleted}


@dataclass
class RecordPage:
    records: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None


def payload_of(item: RemoteObject) -> dict[str, Any]:
    """What a record keeps of an object: the unified fields, without the provider's raw payload."""
    return item.model_dump(mode="json", exclude={"remote_data"})


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def encode_cursor(modified: datetime, row_id: int) -> str:
    return _cursor_text(modified.isoformat(), row_id)


def _cursor_text(modified: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{modified}||{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, row_id = text.partition("||")
        return datetime.fromisoformat(stamp), int(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GatewayError(
            400, "invalid_query_params", "cursor: not a records cursor; send next_cursor as received"
        ) from None


class RecordStore:
    def __init__(self, engine: AsyncEngine, vault: Vault) -> None:
        self.engine = engine
        self.vault = vault

    async def write_page(
        self, conn: AsyncConnection, connection_pk: int, model: str, items: Sequence[RemoteObject], run: int
    ) -> Counts:
        """Upsert one page of objects in the caller's transaction; what changed."""
        counts = Counts()
        payloads = {item.id: payload_of(item) for item in items}
        if not payloads:
            return counts
        scope = and_(TABLE.c.connection_pk == connection_pk, TABLE.c.model == model)
        known = {
            row.record_id: row
            for row in await conn.execute(
                select(TABLE.c.id, TABLE.c.record_id, TABLE.c.content_hash, TABLE.c.deleted_at).where(
                    scope, TABLE.c.record_id.in_(list(payloads))
                )
            )
        }
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        seen: list[int] = []
        for record_id, payload in payloads.items():
            digest = content_hash(payload)
            row = known.get(record_id)
            if row is not None and row.content_hash == digest and row.deleted_at is None:
                seen.append(row.id)
                continue
            sealed = self.vault.seal(Record, "payload", payload)
            if row is None:
                inserts.append(
                    {
                        "connection_pk": connection_pk,
                        "model": model,
                        "record_id": record_id,
                        "payload": sealed,
                        "content_hash": digest,
                        "first_seen_at": now,
                        "last_modified_at": now,
                        "last_action": "ADDED",
                        "deleted_at": None,
                        "pruned_at": None,
                        "seen_run": run,
                    }
                )
                counts.added += 1
            else:
                changes = {"payload": sealed, "content_hash": digest, "last_modified_at": now, "seen_run": run}
                await conn.execute(
                    update(TABLE)
                    .where(TABLE.c.id == row.id)
                    .values(**changes, last_action="UPDATED", deleted_at=None, pruned_at=None)
                )
                counts.updated += 1
        if inserts:
            await conn.execute(TABLE.insert(), inserts)  # one statement for the page's new objects
        if seen:
            await conn.execute(update(TABLE).where(TABLE.c.id.in_(seen)).values(seen_run=run))
        return counts

    async def delete_unseen(self, conn: AsyncConnection, connection_pk: int, model: str, run: int) -> int:
        """Mark the objects a full sync's run ``run`` did not see as deleted; how many."""
        now = utcnow()
        result = await conn.execute(
            update(TABLE)
            .where(
                TABLE.c.connection_pk == connection_pk,
                TABLE.c.model == model,
                TABLE.c.seen_run < run,
                TABLE.c.deleted_at.is_(None),
            )
            .values(last_action="DELETED", deleted_at=now, last_modified_at=now)
        )
        return int(result.rowcount or 0)

    async def prune(self, connection_pk: int, model: str, until_cursor: str, limit: int) -> tuple[int, bool]:
        """Empty the payloads of records up to ``until_cursor`` (included), keeping their metadata; how many were
        pruned, and whether more are left to prune."""
        stamp, row_id = decode_cursor(until_cursor)
        upto = or_(TABLE.c.last_modified_at < stamp, and_(TABLE.c.last_modified_at == stamp, TABLE.c.id <= row_id))
        query = (
            select(TABLE.c.id)
            .where(TABLE.c.connection_pk == connection_pk, TABLE.c.model == model, TABLE.c.pruned_at.is_(None), upto)
            .order_by(TABLE.c.last_modified_at, TABLE.c.id)
            .limit(limit + 1)
        )
        async with self.engine.begin() as conn:
            ids = [row[0] for row in await conn.execute(query)]
            if ids[:limit]:
                await conn.execute(
                    update(TABLE).where(TABLE.c.id.in_(ids[:limit])).values(payload=None, pruned_at=utcnow())
                )
        return len(ids[:limit]), len(ids) > limit

    async def ids(self, connection_pk: int, model: str, modified_after: datetime | None = None) -> list[str]:
        """The ids of a connection's live records of ``model`` (changed at or after ``modified_after``)."""
        query = select(TABLE.c.record_id).where(
            TABLE.c.connection_pk == connection_pk, TABLE.c.model == model, TABLE.c.deleted_at.is_(None)
        )
        if modified_after is not None:
            query = query.where(TABLE.c.last_modified_at >= modified_after)
        async with self.engine.connect() as conn:
            return [row[0] for row in await conn.execute(query.order_by(TABLE.c.id))]

    async def empty(self, connection_pk: int, model: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(TABLE).where(TABLE.c.connection_pk == connection_pk, TABLE.c.model == model))

    async def count(self, connection_pk: int, model: str) -> int:
        query = select(func.count()).where(
            TABLE.c.connection_pk == connection_pk, TABLE.c.model == model, TABLE.c.deleted_at.is_(None)
        )
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def list(
        self,
        connection_pk: int,
        model: str,
        *,
        limit: int = 100,
        cursor: str | None = None,
        modified_after: datetime | None = None,
        ids: Sequence[str] = (),
        actions: Sequence[str] = (),
    ) -> RecordPage:
        """One page of records in ``(last_modified_at, id)`` order, Nango's shape."""
        rows = await self._rows(connection_pk, model, limit, cursor, modified_after, ids, actions)
        page = RecordPage()
        for row in rows[:limit]:
            payload = self.vault.open(Record, "payload", row.payload) if row.payload else {"id": row.record_id}
            payload["_nango_metadata"] = _metadata(row)
            page.records.append(payload)
        if len(rows) > limit:
            page.next_cursor = page.records[-1]["_nango_metadata"]["cursor"]
        return page

    async def list_json(
        self,
        connection_pk: int,
        model: str,
        *,
        limit: int = 100,
        cursor: str | None = None,
        modified_after: datetime | None = None,
        ids: Sequence[str] = (),
        actions: Sequence[str] = (),
    ) -> tuple[Sequence[bytes], str | None]:
        """The page ``list`` gives, each record as JSON: the decrypted payload with the metadata appended, never
        parsed and written again; and the next page's cursor."""
        rows = await self._rows(connection_pk, model, limit, cursor, modified_after, ids, actions)
        items: builtins.list[bytes] = []
        meta: dict[str, Any] = {}
        for row in rows[:limit]:
            text = self.vault.open_text(Record, "payload", row.payload) if row.payload else None
            body = text.encode() if text else orjson.dumps({"id": row.record_id})
            meta = _metadata(row)
            joint = b"," if len(body) > 2 else b""  # ``{}`` takes the metadata without a comma
            items.append(body[:-1] + joint + b'"_nango_metadata":' + orjson.dumps(meta) + b"}")
        return items, (meta["cursor"] if len(rows) > limit else None)

    async def _rows(
        self,
        connection_pk: int,
        model: str,
        limit: int,
        cursor: str | None,
        modified_after: datetime | None,
        ids: Sequence[str],
        actions: Sequence[str],
    ) -> Sequence[Any]:
        query = select(TABLE).where(TABLE.c.connection_pk == connection_pk, TABLE.c.model == model)
        if cursor:
            stamp, row_id = decode_cursor(cursor)
            after = or_(TABLE.c.last_modified_at > stamp, and_(TABLE.c.last_modified_at == stamp, TABLE.c.id > row_id))
            query = query.where(after)
        if modified_after is not None:
            query = query.where(TABLE.c.last_modified_at >= modified_after)
        if ids:
            query = query.where(TABLE.c.record_id.in_(list(ids)))
        if actions:
            query = query.where(TABLE.c.last_action.in_(list(actions)))
        query = query.order_by(TABLE.c.last_modified_at, TABLE.c.id).limit(limit + 1)
        async with self.engine.connect() as conn:
            return list(await conn.execute(query))


def _metadata(row: Any) -> dict[str, Any]:
    """Nango's ``_nango_metadata`` of a record row; its cursor is the row's place in the listing order."""
    modified = row.last_modified_at.isoformat()
    return {
        "first_seen_at": row.first_seen_at.isoformat(),
        "last_modified_at": modified,
        "last_action": row.last_action,
        "deleted_at": row.deleted_at.isoformat() if row.deleted_at else None,
        "pruned_at": row.pruned_at.isoformat() if row.pruned_at else None,
        "cursor": _cursor_text(modified, row.id),
    }
