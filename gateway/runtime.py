"""The running gateway: settings, database, keyring, secret keys and catalog, built once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.catalog import Catalog, load_catalog
from gateway.instance_secrets import InstanceSecrets, load_instance_secrets
from gateway.secret_keys import SecretKeys
from gateway.settings import Settings
from gateway.store.engine import create_engine_for, session_factory
from gateway.vault import Vault

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

    async def start(self) -> None:
        await self.api_keys.load()

    async def stop(self) -> None:
        await self.engine.dispose()


def build_gateway(settings: Settings, catalog: Catalog | None = None) -> Gateway:
    """Assemble a gateway; raises ``ConfigurationError`` / ``CatalogError`` with the fix in the message."""
    secrets = load_instance_secrets(settings)
    engine = create_engine_for(settings.resolved_database_url)
    sessions = session_factory(engine)
    if catalog is None:
        catalog = load_catalog(overrides=settings.extra_provider_files, cache_dir=settings.cache_dir)
        for warning in catalog.warnings:
            logger.warning("catalog: %s", warning)
    return Gateway(
        settings=settings,
        secrets=secrets,
        engine=engine,
        sessions=sessions,
        vault=Vault(secrets.keyring),
        api_keys=SecretKeys(sessions, secrets.secret_key),
        catalog=catalog,
    )
