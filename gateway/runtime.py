"""The running gateway: settings, database, keyring, secret keys and catalog, built once per process."""

from __future__ import annotations

import gc
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pluggy
from httpx_aiohttp import AiohttpTransport
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.catalog import Catalog, load_catalog
from gateway.instance_secrets import InstanceSecrets, load_instance_secrets
from gateway.plugins import create_plugin_manager
from gateway.registry import ProviderRegistry, build_registry, collect_catalog_contributions
from gateway.secret_keys import SecretKeys
from gateway.settings import Settings
from gateway.store.engine import create_engine_for, session_factory
from gateway.upstream.guarded import GuardedTransport, guarded_client
from gateway.vault import Vault

if TYPE_CHECKING:
    from gateway.store.call_log import CallLogWriter
    from gateway.upstream.live import LiveConnections
    from gateway.upstream.sessions import UpstreamSessions

logger = logging.getLogger("unigate.catalog")


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
    live: LiveConnections = field(init=False)  # the proxy's cache of ready-to-use connections
    upstream: UpstreamSessions = field(init=False)  # the proxy's aiohttp sessions
    call_log: CallLogWriter = field(init=False)
    specific_classifier: Any = field(init=False)  # classify_upstream_error without the built-in table
    notifier: Any = field(init=False)  # WebSocket clients of Nango's frontend SDK, by ws_client_id
    provider_transport: AiohttpTransport = field(init=False)  # outbound httpx calls on the proxy's pool
    outbound: GuardedTransport = field(init=False)  # provider_transport behind the SSRF guard
    http: httpx.AsyncClient = field(init=False)  # outbound calls of the gateway itself (token endpoints...), guarded

    def __post_init__(self) -> None:
        from gateway.plugins import DEFAULT_PLUGINS
        from gateway.store.call_log import CallLogWriter
        from gateway.upstream.live import LiveConnections
        from gateway.upstream.sessions import UpstreamSessions

        defaults = [p for name in DEFAULT_PLUGINS if (p := self.plugins.get_plugin(name)) is not None]
        self.specific_classifier = self.plugins.subset_hook_caller("classify_upstream_error", remove_plugins=defaults)
        from gateway.auth.websocket import Notifier

        self.notifier = Notifier(self.sessions)
        self.live = LiveConnections(self)
        self.upstream = UpstreamSessions(self.settings)
        upstream = self.upstream
        self.provider_transport = AiohttpTransport(client=lambda: upstream.get(False))
        self.outbound = GuardedTransport(self.provider_transport, self.settings.allow_private_hosts)
        self.http = guarded_client(self.outbound)
        self.call_log = CallLogWriter(self.settings.resolved_database_url, self.engine)

    async def start(self) -> None:
        await self.api_keys.load()
        await self.live.changes.start()
        self.call_log.start()
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
            await self.live.changes.stop()
            await self.upstream.close()
            await self.provider_transport.aclose()
            await self.call_log.stop()
            await self.http.aclose()
            await self.engine.dispose()


def build_plugin_manager(
    settings: Settings, extra: Sequence[object] = (), entrypoints: bool = True
) -> pluggy.PluginManager:
    return create_plugin_manager(
        load_entrypoints=entrypoints,
        only=settings.load_plugins,
        disabled=settings.disable_plugins,
        extra=extra,
        trace=settings.trace_plugins,
    )


def load_full_catalog(settings: Settings, pm: pluggy.PluginManager) -> Catalog:
    """The root catalog, plugin contributions, then the operator's files."""
    return load_catalog(
        contributed=collect_catalog_contributions(pm),
        overrides=settings.extra_provider_files,
        cache_dir=settings.cache_dir,
    )


def build_gateway(settings: Settings, plugins: Sequence[object] = (), entrypoints: bool = True) -> Gateway:
    """Assemble a gateway: plugins, catalog (with plugin entries), provider registry, database and keys.

    Raises ``ConfigurationError``, ``CatalogError`` or ``PluginError`` with the fix in the message. ``plugins``
    are registered after the entry points (tests and embedding applications use it).
    """
    pm = build_plugin_manager(settings, plugins, entrypoints)
    catalog = load_full_catalog(settings, pm)
    for warning in catalog.warnings:
        logger.warning("catalog: %s", warning)
    registry = build_registry(pm, catalog)
    secrets = load_instance_secrets(settings)
    engine = create_engine_for(settings.resolved_database_url)
    sessions = session_factory(engine)
    return Gateway(
        settings=settings,
        secrets=secrets,
        engine=engine,
        sessions=sessions,
        vault=Vault(secrets.keyring),
        api_keys=SecretKeys(sessions, secrets.secret_key),
        catalog=catalog,
        plugins=pm,
        providers=registry,
    )
