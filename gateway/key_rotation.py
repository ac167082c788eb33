"""``unigate keys rotate``: re-encrypt every secret under a new key while servers keep serving.

With a key file (the development default), rotation writes ``[new, old...]`` to the file, so running servers
(which re-read the file when it changes) encrypt new values under the new key and still open old ones;
re-encrypts every stored value in small transactions, each update guarded by the old ciphertext so a
concurrent write is never overwritten; checks again after a pause for writes that were in flight; and only
then drops the old keys from the file. With ``UNIGATE_ENCRYPTION_KEY`` the operator lists the new key first
(``new,old``), and rotation re-encrypts everything under it; the old keys can then be removed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.crypto import Keyring, KeyringSource, generate_key, value_key_id
from gateway.store.tables import ENCRYPTED_COLUMNS, encryption_context

BATCH_SIZE = 200


@dataclass
class RotationReport:
    primary_key_id: str
    reencrypted: dict[str, int] = field(default_factory=dict)
    retired_key_ids: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


async def reencrypt_all(engine: AsyncEngine, keyring: Keyring, report: RotationReport) -> int:
    """One pass: move every value not under the primary key onto it. Returns how many were moved."""
    moved = 0
    for model, column_name in ENCRYPTED_COLUMNS:
        table = model.__table__  # type: ignore[attr-defined]
        column, key = table.c[column_name], table.c["id"]
        context = encryption_context(model, column_name)
        label = f"{table.name}.{column_name}"
        last_id = 0
        while True:
            async with engine.begin() as conn:
                rows = (
                    await conn.execute(
                        select(key, column).where(key > last_id, column.is_not(None)).order_by(key).limit(BATCH_SIZE)
                    )
                ).all()
                for row_id, stored in rows:
                    if value_key_id(stored) == keyring.primary_id:
                        continue
                    fresh = keyring.encrypt(keyring.decrypt(stored, context), context)
                    result = await conn.execute(
                        update(table).where(and_(key == row_id, column == stored)).values({column_name: fresh})
                    )
                    if result.rowcount:
                        moved += 1
                        report.reencrypted[label] = report.reencrypted.get(label, 0) + 1
            if len(rows) < BATCH_SIZE:
                break
            last_id = rows[-1][0]
    return moved


async def rotate(engine: AsyncEngine, source: KeyringSource, settle_seconds: float = 2.0) -> RotationReport:
    """Rotate to a new key (key file) or onto the configured primary key (environment)."""
    if source.is_file:
        old = source.read_lines()
        source.write([generate_key(), *old])
    keyring = source.current()
    report = RotationReport(primary_key_id=keyring.primary_id)
    await reencrypt_all(engine, keyring, report)
    # Writes a server began before it saw the new key land after the first pass: sweep until a pass is clean.
    while True:
        await asyncio.sleep(settle_seconds)
        if await reencrypt_all(engine, keyring, report) == 0:
            break
    report.retired_key_ids = [k for k in keyring.key_ids if k != keyring.primary_id]
    if source.is_file:
        source.write(source.read_lines()[:1])
    return report
