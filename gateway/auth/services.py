"""The narrow dependencies of the auth package, declared by the code that needs them.

``TokenServices`` is what refreshing and minting tokens needs; the composition root (``gateway.assemble``) builds it
once. ``ConnectionServices`` is what the browser and API flows that create connections need; the running gateway
(``gateway.runtime.Gateway``) provides it, and so can a test or an embedding application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.catalog import Catalog
from gateway.outbox import Outbox
from gateway.registry import ProviderRegistry
from gateway.secret_keys import SecretKeys
from gateway.settings import Settings
from gateway.upstream.live import LiveConnections
from gateway.upstream.outbound import Outbound
from gateway.vault import Vault


@dataclass(frozen=True)
class TokenServices:
    """Refreshing OAuth tokens and minting JWT, TWO_STEP and APP credentials."""

    engine: AsyncEngine  # the refresh lease is one conditional UPDATE
    sessions: async_sessionmaker[AsyncSession]
    vault: Vault
    catalog: Catalog
    providers: ProviderRegistry  # for a plugin's own ``refresh_tokens``
    http: httpx.AsyncClient  # the guarded outbound client: token endpoints
    outbox: Outbox | None = None  # where a refresh failure's webhook goes


class ConnectionServices(Protocol):
    """Creating, re-authorising and checking connections from a browser or the API."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...
    @property
    def vault(self) -> Vault: ...
    @property
    def catalog(self) -> Catalog: ...
    @property
    def providers(self) -> ProviderRegistry: ...
    @property
    def api_keys(self) -> SecretKeys: ...
    @property
    def outbound(self) -> Outbound: ...
    @property
    def live(self) -> LiveConnections: ...
    @property
    def tokens(self) -> TokenServices: ...
    @property
    def outbox(self) -> Outbox: ...
