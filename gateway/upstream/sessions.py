"""The proxy's outbound HTTP: aiohttp client sessions shared by all calls (one keeps bodies as sent, one
decompresses them for ``Decompress: true``), with the SSRF-checking resolver. They keep no cookies: a cookie one
connection's provider sets must not ride along on another connection's calls."""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from gateway.settings import Settings
from gateway.upstream.ssrf import resolver_for


class UpstreamSessions:
    def __init__(self, settings: Settings, trace_configs: Sequence[aiohttp.TraceConfig] = ()) -> None:
        self.settings = settings
        self.trace_configs = list(trace_configs)
        self.raw: aiohttp.ClientSession | None = None
        self.decompressing: aiohttp.ClientSession | None = None

    def _session(self, decompress: bool) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=0,
            limit_per_host=256,
            ttl_dns_cache=30,
            resolver=resolver_for(self.settings.allow_private_hosts),
        )
        timeout = aiohttp.ClientTimeout(total=None, connect=10, sock_read=self.settings.proxy_read_timeout)
        return aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            auto_decompress=decompress,
            skip_auto_headers=("User-Agent",),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
            trace_configs=self.trace_configs or None,
        )

    def get(self, decompress: bool) -> aiohttp.ClientSession:
        if decompress:
            if self.decompressing is None:
                self.decompressing = self._session(True)
            return self.decompressing
        if self.raw is None:
            self.raw = self._session(False)
        return self.raw

    async def close(self) -> None:
        for session in (self.raw, self.decompressing):
            if session is not None:
                await session.close()
        self.raw = self.decompressing = None
