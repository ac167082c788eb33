"""One sync run: page through the provider's resource, write each page of records in its own transaction, then
advance the checkpoint (incremental) or mark what was not seen as deleted (full).

The checkpoint is written only after every page it covers is committed, so a failed run keeps the previous one
and the next run fetches again what this one could not finish (unchanged objects are not updates). The next run
is due after the sync's frequency, or sooner after a failure (30 s doubling, at most the frequency).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from gateway.errors import GatewayError
from gateway.metrics import SYNC_RECORDS, SYNC_RUNS
from gateway.outbox import Event
from gateway.provider import ListQuery, Provider, ProviderContext, Resource, Sync
from gateway.provider.failures import UpstreamFailure
from gateway.registry import ProviderRegistry
from gateway.resource_types import ResourceTypes
from gateway.store.types import utcnow
from gateway.syncs.frequency import seconds_of
from gateway.syncs.records import Counts, RecordStore
from gateway.syncs.states import Claimed, SyncStates
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.upstream.provider_context import provider_context

log = logging.getLogger("unigate")
PAGE_SIZE = 100
OVERLAP = timedelta(seconds=1)  # the next incremental run asks from a little before this one started


class SyncRunner:
    def __init__(
        self,
        states: SyncStates,
        records: RecordStore,
        live: LiveConnections,
        providers: ProviderRegistry,
        outbound: Outbound,
        resource_types: ResourceTypes,
    ) -> None:
        self.states = states
        self.records = records
        self.live = live
        self.providers = providers
        self.outbound = outbound
        self.resource_types = resource_types

    async def work(self, state_id: str) -> None:
        """Run sync state ``state_id`` if it is still due and free (the queue's work function)."""
        claimed = await self.states.claim(int(state_id))
        if claimed is None:
            return
        provider = self.providers.get(claimed.provider)
        sync = provider.syncs.get(claimed.sync_name) if provider is not None else None
        if provider is None or sync is None:
            await self.states.finish(claimed, utcnow() + timedelta(days=1), error="the sync is no longer declared")
            return
        interval = seconds_of(claimed.frequency or sync.frequency)
        started = utcnow()
        try:
            counts = await self._run(claimed, provider, sync)
        except Exception as exc:
            message = _describe(exc)
            log.warning("sync %s of %s failed: %s", claimed.sync_name, claimed.connection_id, message)
            backoff = min(interval, 30.0 * 2**claimed.failures)
            failed = {"error": {"type": "script_error", "description": message}, "failedAt": utcnow().isoformat()}
            event = _sync_event(claimed, sync, self._model(sync), started, success=False, **failed)
            await self.states.finish(claimed, utcnow() + timedelta(seconds=backoff), error=message, event=event)
            SYNC_RUNS.labels(claimed.provider, claimed.sync_name, "error").inc()
            return
        checkpoint = {"modified_after": (started - OVERLAP).isoformat()} if sync.incremental else {}
        result = {self._model(sync): counts.as_dict()}
        event = _sync_event(claimed, sync, self._model(sync), started, responseResults=counts.as_dict())
        if not (counts.added or counts.updated or counts.deleted):
            event = Event(event.type, event.body, "on_sync_completion_always")
        next_run = started + timedelta(seconds=interval)
        await self.states.finish(claimed, next_run, checkpoint=checkpoint, result=result, event=event)
        SYNC_RUNS.labels(claimed.provider, claimed.sync_name, "success").inc()
        for action, count in counts.as_dict().items():
            if count:
                SYNC_RECORDS.labels(claimed.provider, claimed.sync_name, action).inc(count)

    def _model(self, sync: Sync) -> str:
        return self.resource_types[sync.resource].model.__name__

    async def _run(self, claimed: Claimed, provider: Provider, sync: Sync) -> Counts:
        model = self.resource_types[sync.resource].model.__name__
        since = claimed.checkpoint.get("modified_after") if sync.incremental else None
        modified_after = datetime.fromisoformat(since) if since else None
        run = claimed.runs + 1
        counts = Counts()
        async with provider_context(
            self.live, self.providers, self.outbound, claimed.integration_key, claimed.connection_id
        ) as (_, ctx):
            resource = _resource(provider, sync.resource)
            scopes: list[str | None] = [None]
            if sync.scope is not None and sync.scope_from_records:
                scope_model = self.resource_types[sync.scope].model.__name__
                since = _as_recorded(modified_after)
                scopes = list(await self.records.ids(claimed.connection_pk, scope_model, since))
            elif sync.scope is not None:
                scopes = [
                    item.id
                    async for item in _everything(_resource(provider, sync.scope), ctx)
                    if all(getattr(item, name, None) == value for name, value in sync.scope_where.items())
                ]
            for scope in scopes:
                async for items in _pages(resource, ctx, {sync.scope_filter: scope} if scope else {}, modified_after):
                    for item in items:  # stamped as the unified routes stamp them: the connection's catalog key
                        item.provider = ctx.provider
                    async with self.records.engine.begin() as conn:
                        counts += await self.records.write_page(conn, claimed.connection_pk, model, items, run)
                    await self.states.renew(claimed.state_id)
            if not sync.incremental:
                async with self.records.engine.begin() as conn:
                    counts.deleted += await self.records.delete_unseen(conn, claimed.connection_pk, model, run)
        return counts


def _as_recorded(moment: datetime | None) -> datetime | None:
    """The records changed since ``moment``: record times are when the cache saw the change, a little later."""
    return moment - OVERLAP if moment is not None else None


def _resource(provider: Provider, name: str) -> Resource[Any, Any, Any]:
    resource = provider.resource(name)
    if resource is None or "list" not in type(resource).operations():
        raise GatewayError(501, "not_supported", f"{provider.catalog_key} cannot list {name}")
    return resource


async def _pages(
    resource: Resource[Any, Any, Any],
    ctx: ProviderContext,
    scope: dict[str, Any] | None = None,
    modified_after: datetime | None = None,
) -> AsyncIterator[list[Any]]:
    cursor: str | None = None
    while True:
        query = replace(ListQuery(page_size=PAGE_SIZE, cursor=cursor, modified_after=modified_after), **(scope or {}))
        page = await resource.list(ctx, query)
        yield page.items
        if not page.next_cursor or page.next_cursor == cursor:
            return
        cursor = page.next_cursor


async def _everything(resource: Resource[Any, Any, Any], ctx: ProviderContext) -> AsyncIterator[Any]:
    async for items in _pages(resource, ctx):
        for item in items:
            yield item


def _sync_event(
    claimed: Claimed, sync: Sync, model: str, started: datetime, success: bool = True, **extra: Any
) -> Event:
    """Nango's ``sync`` webhook for a run that ended (``success: false`` with ``error`` when it failed)."""
    body = {
        "from": "nango",
        "type": "sync",
        "connectionId": claimed.connection_id,
        "providerConfigKey": claimed.integration_key,
        "syncName": claimed.sync_name,
        "syncVariant": "base",
        "model": model,
        "syncType": "INCREMENTAL" if claimed.checkpoint else "INITIAL",
        "success": success,
        "modifiedAfter": started.isoformat(),
        "queryTimeStamp": started.isoformat(),
        **({"startedAt": started.isoformat()} if not success else {}),
        **extra,
    }
    return Event("sync", body, None if success else "on_sync_error")


def _describe(exc: Exception) -> str:
    """A failure in words for the sync's status, without secrets (type and the gateway's own message)."""
    if isinstance(exc, UpstreamFailure):
        return exc.as_gateway_error().message
    if isinstance(exc, GatewayError):
        return exc.message
    return type(exc).__name__
