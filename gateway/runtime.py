"""The running gateway: the services the composition root (``gateway.assemble``) built, and their lifecycle.

``Gateway`` builds nothing itself. The HTTP layer (``gateway.api``, ``gateway.unified``, ``gateway.proxy``) and the
command line reach the services through it; the services themselves get only the narrow dependencies they need.
"""

from __future__ import annotations

import gc
import inspect
from dataclasses import dataclass
from typing import Any

import pluggy
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.action_runs.runs import ActionRuns
from gateway.auth.services import TokenServices
from gateway.auth.websocket import Notifier
from gateway.background import RunQueue
from gateway.catalog import Catalog
from gateway.instance_secrets import InstanceSecrets
from gateway.outbox import Outbox
from gateway.registry import ProviderRegistry
from gateway.resource_types import ResourceTypes
from gateway.secret_keys import SecretKeys
from gateway.settings import Settings
from gateway.store.call_log import CallLogWriter
from gateway.store.field_mappings import FieldMappings
from gateway.store.notify import ConnectionChanges
from gateway.syncs.service import Syncs
from gateway.upstream.classify import ErrorClassifier
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.vault import Vault
from gateway.webhook_delivery import WebhookSender


@dataclass
class Gateway:
    settings: Settings
    secrets: InstanceSecrets
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    vault: Vault
    api_keys: SecretKeys
    catalog: Catalog
    plugins: pluggy.PluginManager
    providers: ProviderRegistry
    resource_types: ResourceTypes  # the unified resources served: built-in and declared by plugins
    field_mappings: FieldMappings  # custom field names per integration and connection
    outbox: Outbox  # webhooks to the customer's app, queued with the events they report
    classify: ErrorClassifier
    outbound: Outbound  # every call out: the proxy's sessions, auth flows' client, unified calls' clients
    tokens: TokenServices  # refreshing and minting credentials
    live: LiveConnections  # ready-to-use connections, cached
    changes: ConnectionChanges  # connection changes announced between servers on one database
    notifier: Notifier  # WebSocket clients of Nango's frontend SDK, by ws_client_id
    call_log: CallLogWriter  # one row per provider call (proxied or unified), written in the background
    action_runs: ActionRuns  # stored background runs of actions (X-Async)
    action_queue: RunQueue  # works on them: resumes unfinished runs on start, gives running ones back on stop
    syncs: Syncs  # sync states, the records cache, and the queue running due syncs
    webhooks: WebhookSender  # sends the outbox's webhooks
    webhook_queue: RunQueue  # works through the due deliveries
    tracer_provider: Any = None  # an OpenTelemetry SDK TracerProvider when tracing is on (gateway.tracing)

    async def start(self, *, action_runs: bool = True) -> None:
        """Start the services; ``action_runs=False`` (a command-line process) leaves background runs (actions,
        syncs) to servers."""
        await self.api_keys.load()
        await self.changes.start()
        self.call_log.start()
        if action_runs:
            await self.action_queue.start()
            if self.settings.syncs:
                await self.syncs.queue.start()
            await self.webhook_queue.start()
        # Everything built so far (catalog, registries, models) lives as long as the process: move it out of the
        # cyclic collector's reach, so full collections stay short and do not stall requests.
        gc.collect()
        gc.freeze()
        for result in self.plugins.hook.startup(gateway=self):
            if inspect.isawaitable(result):
                await result

    async def stop(self) -> None:
        try:
            for result in self.plugins.hook.shutdown(gateway=self):
                if inspect.isawaitable(result):
                    await result
        finally:
            await self.action_queue.stop()
            await self.syncs.queue.stop()
            await self.webhook_queue.stop()
            await self.changes.stop()
            await self.outbound.close()
            await self.call_log.stop()
            await self.engine.dispose()
            if self.tracer_provider is not None:
                self.tracer_provider.force_flush()
