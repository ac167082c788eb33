"""The webhook outbox: events for the customer's app, written in the transaction of what they report.

``Outbox.add(session, event)`` adds one delivery row per configured URL (primary, secondary) to the caller's
session when the settings ask for that kind of event, so a crash loses no webhook and a failed request sends
none. ``gateway.webhook_delivery`` sends the rows. Payloads follow Nango's (``from: "nango"`` is kept so
receivers written for Nango accept them) and are encrypted at rest; they never carry credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.store.tables import WebhookDelivery, WebhookSettings
from gateway.store.types import utcnow
from gateway.vault import Vault

SETTINGS_ID = 1
DELIVERIES = WebhookDelivery.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Event:
    """A webhook to send: its Nango ``type`` and body, and the setting that decides whether it is sent."""

    type: str  # auth, sync, forward, async_action
    body: dict[str, Any]
    setting: str | None = None  # a WebhookSettings flag, e.g. "on_auth_creation"; None: always (when URLs are set)


def auth_event(
    operation: str, integration_key: str, provider: str, connection_id: str, auth_mode: str, **extra: Any
) -> Event:
    """Nango's ``auth`` webhook: a connection created or overridden, or its refresh failing (``success: false``)."""
    success = extra.pop("success", True)
    body = {
        "from": "nango",
        "type": "auth",
        "operation": operation,
        "connectionId": connection_id,
        "authMode": auth_mode,
        "providerConfigKey": integration_key,
        "provider": provider,
        "environment": "prod",
        "success": success,
        **extra,
    }
    setting = "on_auth_refresh_error" if operation == "refresh" else "on_auth_creation"
    return Event("auth", body, setting)


class Outbox:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def _rows(self, settings: WebhookSettings | None, event: Event) -> list[dict[str, Any]]:
        if settings is None or (event.setting is not None and not getattr(settings, event.setting)):
            return []
        urls = [url for url in (settings.primary_url, settings.secondary_url) if url]
        now = utcnow()
        sealed = self.vault.seal(WebhookDelivery, "payload", event.body)
        return [
            {"event_type": event.type, "url": url, "payload": sealed, "next_attempt_at": now, "created_at": now}
            for url in urls
        ]

    async def add(self, session: AsyncSession, event: Event) -> None:
        """Queue ``event`` in ``session``'s transaction (it is sent once the caller commits)."""
        settings = (await session.exec(select(WebhookSettings).where(WebhookSettings.id == SETTINGS_ID))).first()
        for row in self._rows(settings, event):
            session.add(WebhookDelivery(**row))

    async def add_in(self, conn: AsyncConnection, event: Event) -> None:
        """The same within a core connection's transaction."""
        table = WebhookSettings.__table__  # type: ignore[attr-defined]
        found = (await conn.execute(select(table).where(table.c.id == SETTINGS_ID))).first()
        settings = WebhookSettings(**found._mapping) if found is not None else None
        rows = self._rows(settings, event)
        if rows:
            await conn.execute(DELIVERIES.insert(), rows)
