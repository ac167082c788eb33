"""Sending the outbox's webhooks: signed, one POST per delivery row, retried with backoff on network errors and 5xx.

The body is the exact JSON signed: ``X-Nango-Hmac-Sha256: hex(HMAC-SHA256(signing key, body))`` (and Nango's
legacy ``X-Nango-Signature: hex(SHA256(key + body))``). A 2xx delivers; a 4xx fails at once (the receiver refused
it); a 5xx or a network failure is tried again after 1, 2, 4, 8 ... seconds, at most ``MAX_ATTEMPTS`` times. Each
attempt's status and error are kept for ``GET /environment/webhook-deliveries``. Requests go through the guarded
outbound client (no redirects, internal hosts only with ``UNIGATE_ALLOW_PRIVATE_HOSTS``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.background import InProcessQueue
from gateway.metrics import WEBHOOK_DELIVERIES
from gateway.outbox import SETTINGS_ID
from gateway.store.tables import WebhookDelivery, WebhookSettings
from gateway.store.types import utcnow
from gateway.vault import Vault

log = logging.getLogger("unigate")
TABLE = WebhookDelivery.__table__  # type: ignore[attr-defined]
SETTINGS = WebhookSettings.__table__  # type: ignore[attr-defined]
MAX_ATTEMPTS = 6
TIMEOUT = 20.0
LEASE = timedelta(seconds=60)


def signature(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def new_signing_key() -> str:
    return secrets.token_hex(32)


class WebhookSender:
    def __init__(self, engine: AsyncEngine, vault: Vault, http: httpx.AsyncClient) -> None:
        self.engine = engine
        self.vault = vault
        self.http = http

    async def due(self, limit: int = 100) -> list[str]:
        now = utcnow()
        free = or_(TABLE.c.lease_until.is_(None), TABLE.c.lease_until < now)
        query = (
            select(TABLE.c.id)
            .where(TABLE.c.status == "pending", TABLE.c.next_attempt_at <= now, free)
            .order_by(TABLE.c.id)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            return [str(row[0]) for row in await conn.execute(query)]

    async def signing_key(self) -> str | None:
        async with self.engine.connect() as conn:
            stored = (await conn.execute(select(SETTINGS.c.signing_key).where(SETTINGS.c.id == SETTINGS_ID))).scalar()
        return str(self.vault.open(WebhookSettings, "signing_key", stored)["key"]) if stored else None

    async def send(self, delivery_id: str) -> None:
        """Attempt delivery ``delivery_id`` once, if it is still due and no other worker holds it."""
        now = utcnow()
        free = or_(TABLE.c.lease_until.is_(None), TABLE.c.lease_until < now)
        async with self.engine.begin() as conn:
            taken = await conn.execute(
                update(TABLE)
                .where(and_(TABLE.c.id == int(delivery_id), TABLE.c.status == "pending", free))
                .values(lease_until=now + LEASE)
            )
            if not taken.rowcount:
                return
            row = (await conn.execute(select(TABLE).where(TABLE.c.id == int(delivery_id)))).one()
        body = orjson.dumps(self.vault.open(WebhookDelivery, "payload", row.payload))
        headers = {"content-type": "application/json", "user-agent": "Unigate-Webhooks"}
        key = await self.signing_key()
        if key:
            headers["x-nango-hmac-sha256"] = signature(key, body)
            headers["x-nango-signature"] = hashlib.sha256(key.encode() + body).hexdigest()
        status_code, error = None, None
        try:
            answer = await self.http.post(row.url, content=body, headers=headers, timeout=TIMEOUT)
            status_code = answer.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: no answer from the webhook URL"
        await self._record(row, status_code, error)

    async def _record(self, row: Any, status_code: int | None, error: str | None) -> None:
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "lease_until": None, "last_status_code": status_code}
        if status_code is not None and 200 <= status_code < 300:
            values |= {"status": "delivered", "delivered_at": utcnow(), "last_error": None}
        elif status_code is not None and status_code < 500:
            values |= {"status": "failed", "last_error": f"the receiver refused it with {status_code}"}
        elif attempts >= MAX_ATTEMPTS:
            values |= {"status": "failed", "last_error": error or f"the receiver answered {status_code}"}
        else:
            retry_in = timedelta(seconds=2 ** (attempts - 1))
            values |= {"next_attempt_at": utcnow() + retry_in, "last_error": error or f"answered {status_code}"}
        async with self.engine.begin() as conn:
            await conn.execute(update(TABLE).where(TABLE.c.id == row.id).values(values))
        outcome = values.get("status", "retry")
        WEBHOOK_DELIVERIES.labels(row.event_type, outcome).inc()


def delivery_queue(sender: WebhookSender, sweep_seconds: float) -> InProcessQueue:
    """The queue sending due deliveries: swept every ``sweep_seconds`` (retries become due on their own)."""
    return InProcessQueue(sender.send, sender.due, concurrency=8, sweep_seconds=sweep_seconds, label="webhook")
