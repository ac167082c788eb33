"""The composition root: builds every service from the settings, once, and wires each to what it needs.

Order: plugins, catalog (with plugin entries), provider registry and resource types, instance secrets, database,
vault and secret keys, error classifier, call log, outbound HTTP, token services, connection cache and its
cross-server notifier, WebSocket notifier, action runs and the queue working on them. Nothing else in
``gateway/`` builds services; the result is a
``gateway.runtime.Gateway``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

import pluggy

from gateway.action_runs.runs import ActionRuns
from gateway.action_runs.worker import ActionWorker
from gateway.auth.refresh import fresh_credentials
from gateway.auth.services import TokenServices
from gateway.auth.websocket import Notifier
from gateway.background import InProcessQueue
from gateway.catalog import Catalog, load_catalog
from gateway.instance_secrets import ConfigurationError, load_instance_secrets
from gateway.outbox import Outbox
from gateway.plugins import DEFAULT_PLUGINS, create_plugin_manager
from gateway.registry import ProviderRegistry, build_registry, collect_catalog_contributions
from gateway.resource_types import build_resource_types
from gateway.runtime import Gateway
from gateway.secret_keys import SecretKeys
from gateway.settings import Settings
from gateway.store.call_log import CallLogWriter
from gateway.store.engine import create_engine_for, session_factory
from gateway.store.field_mappings import FieldMappings
from gateway.store.notify import ConnectionChanges
from gateway.syncs.records import RecordStore
from gateway.syncs.runner import SyncRunner
from gateway.syncs.service import Syncs
from gateway.syncs.states import SyncStates
from gateway.tracing import client_trace_configs, provider_from_environment
from gateway.upstream.classify import ErrorClassifier
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.vault import Vault
from gateway.webhook_delivery import WebhookSender, delivery_queue

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

logger = logging.getLogger("unigate.catalog")


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
        cache_dir=settings.resolved_cache_dir,
    )


def build_gateway(
    settings: Settings,
    plugins: Sequence[object] = (),
    entrypoints: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> Gateway:
    """Assemble a gateway: plugins, catalog, provider registry, database, keys and the services built on them.

    Raises ``ConfigurationError``, ``CatalogError`` or ``PluginError`` with the fix in the message. ``plugins``
    are registered after the entry points (tests and embedding applications use it). ``tracer_provider``
    replaces the one the ``OTEL_*`` variables describe (see ``gateway.tracing``).
    """
    check_job_engine(settings)
    pm = build_plugin_manager(settings, plugins, entrypoints)
    catalog = load_full_catalog(settings, pm)
    for warning in catalog.warnings:
        logger.warning("catalog: %s", warning)
    providers = build_registry(pm, catalog)
    resource_types = build_resource_types(providers)
    secrets = load_instance_secrets(settings)
    engine = create_engine_for(settings.resolved_database_url)
    sessions = session_factory(engine)
    vault = Vault(secrets.keyring)
    defaults = [p for name in DEFAULT_PLUGINS if (p := pm.get_plugin(name)) is not None]
    classify = ErrorClassifier(pm, defaults)
    call_log = CallLogWriter(settings.resolved_database_url, engine)
    if tracer_provider is None:
        tracer_provider = provider_from_environment(os.environ)
    outbound = Outbound(settings, classify, call_log, client_trace_configs(tracer_provider))
    outbox = Outbox(vault)
    tokens = TokenServices(engine, sessions, vault, catalog, providers, outbound.http, outbox)
    live = LiveConnections(sessions, catalog, vault, partial(_fresh, tokens), settings.connection_cache_ttl)
    changes = ConnectionChanges(settings.resolved_database_url, engine, live.forget)
    live.publish = changes.publish
    action_runs = ActionRuns(engine, vault, outbox)
    worker = ActionWorker(action_runs, live, providers, outbound)
    states = SyncStates(engine, outbox, timedelta(seconds=settings.sync_lease_seconds))
    records = RecordStore(engine, vault)
    webhooks = WebhookSender(engine, vault, outbound.http)
    runner = SyncRunner(states, records, live, providers, outbound, resource_types)
    return Gateway(
        settings=settings,
        secrets=secrets,
        engine=engine,
        sessions=sessions,
        vault=vault,
        api_keys=SecretKeys(sessions, secrets.secret_key),
        catalog=catalog,
        plugins=pm,
        providers=providers,
        resource_types=resource_types,
        field_mappings=FieldMappings(sessions, settings.connection_cache_ttl),
        outbox=outbox,
        classify=classify,
        outbound=outbound,
        tokens=tokens,
        live=live,
        changes=changes,
        notifier=Notifier(sessions),
        call_log=call_log,
        action_runs=action_runs,
        action_queue=InProcessQueue(worker.work, action_runs.claimable),
        syncs=_syncs(settings, states, records, runner, providers),
        webhooks=webhooks,
        webhook_queue=delivery_queue(webhooks, settings.webhook_sweep_seconds),
        tracer_provider=tracer_provider,
    )


def check_job_engine(settings: Settings) -> None:
    """``UNIGATE_JOB_ENGINE=procrastinate`` needs PostgreSQL: a ``ConfigurationError`` naming the fix otherwise."""
    if settings.job_engine == "procrastinate" and not settings.resolved_database_url.startswith("postgresql"):
        raise ConfigurationError(
            "UNIGATE_JOB_ENGINE=procrastinate needs PostgreSQL: set UNIGATE_DATABASE_URL to a "
            "postgresql+psycopg://… URL, or UNIGATE_JOB_ENGINE=embedded to run syncs in `unigate serve` on SQLite"
        )


def _syncs(
    settings: Settings, states: SyncStates, records: RecordStore, runner: SyncRunner, providers: ProviderRegistry
) -> Syncs:
    if settings.job_engine == "procrastinate":
        return Syncs.scaled_out(
            settings.resolved_database_url,
            states,
            records,
            runner,
            providers,
            sweep=settings.sync_sweep_seconds,
            per_provider=settings.sync_concurrency_per_provider,
        )
    return Syncs.embedded(states, records, runner, providers, settings.sync_sweep_seconds)


async def _fresh(tokens: TokenServices, connection_pk: int, force: bool) -> dict[str, object]:
    return await fresh_credentials(tokens, connection_pk, force=force)
