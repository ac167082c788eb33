"""Unigate's one outbound HTTP client: every call to a provider or an authorization server starts here.

``Outbound`` owns the aiohttp sessions (whose resolver drops internal addresses at connect time) and, on them, the
SSRF-guarded httpx transport. Three ways out, all through that guard and its connection pool:

- ``sessions``: the proxy's hot path (aiohttp, streaming bodies), which applies ``gateway.upstream.policy`` itself;
- ``http``: token endpoints, credential checks, OAuth 1 and GitHub App flows (no credentials of a connection);
- ``for_connection(live, provider)``: a unified call's client, ``ConnectionAuth`` (credentials, origin guard,
  refresh once) over ``RetryingTransport`` (classification, bounded retries, call log) over the guard.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from gateway.settings import Settings
from gateway.store.call_log import CallLogWriter
from gateway.upstream.classify import ErrorClassifier
from gateway.upstream.connection_auth import ConnectionAuth, Renew
from gateway.upstream.guarded import GuardedTransport, guarded_client
from gateway.upstream.live import LiveConnection
from gateway.upstream.policy import RetryBudget
from gateway.upstream.retrying import RetryingTransport
from gateway.upstream.sessions import UpstreamSessions


class Outbound:
    def __init__(
        self,
        settings: Settings,
        classify: ErrorClassifier,
        call_log: CallLogWriter,
        trace_configs: Sequence[aiohttp.TraceConfig] = (),
    ) -> None:
        self.settings = settings
        self.classify = classify
        self.call_log = call_log
        self.sessions = UpstreamSessions(settings, trace_configs)
        self.transport = GuardedTransport(
            AiohttpTransport(verify=_unused_ssl_context(), client=lambda: self.sessions.get(False)),
            settings.allow_private_hosts,
        )
        self.http = guarded_client(self.transport)

    def client(
        self, *, base_url: str = "", headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None
    ) -> httpx.AsyncClient:
        """A plain guarded client on the shared pool (a provider hook's calls with credentials already set)."""
        return guarded_client(self.transport, base_url=base_url, headers=headers, params=params)

    def for_connection(self, live: LiveConnection, provider: Any, renew: Renew) -> httpx.AsyncClient:
        """The client of a unified call on ``live``: base URL, query parameters, credentials, retries."""
        settings = self.settings
        budget = RetryBudget.of(settings, live.entry, settings.unified_retries)
        transport = RetryingTransport(
            self.transport,
            provider_key=live.provider,
            provider=provider,
            classify=self.classify,
            budget=budget,
            record=self.call_log.record,
            log_fields={
                "integration_key": live.integration_key,
                "connection_id": live.connection_id,
                "provider": live.provider,
            },
        )
        return guarded_client(
            transport,
            auth=ConnectionAuth(live, renew),
            base_url=live.auth.base_url,
            params=live.auth.query,
            timeout=httpx.Timeout(settings.proxy_read_timeout, connect=10.0),
        )

    async def close(self) -> None:
        await self.http.aclose()
        await self.transport.inner.aclose()  # the aiohttp-backed transport under the guard
        await self.sessions.close()


@functools.cache
def _unused_ssl_context() -> ssl.SSLContext:
    """Given to ``AiohttpTransport``, which builds one (reading the CA bundle, ~60 ms) unless handed one; its calls
    ride our sessions, whose connectors verify certificates with their own default context."""
    return ssl.create_default_context()
