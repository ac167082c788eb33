"""A real OAuth 2.0 authorization server for tests: panva's ``oidc-provider`` (npm) run by ``server.mjs`` on loopback.

The npm package is installed at test time into a cache outside the repository (``UNIGATE_TEST_CACHE``, default
``~/.cache/unigate-tests``), never committed. Typical use::

    with run_oauth_server([{"client_id": "app", "client_secret": "s3cret", "redirect_uris": [CALLBACK]}]) as server:
        location = await server.consent(authorize_url)  # CALLBACK?code=…&state=…&iss=…

Client keys: ``client_id``, ``client_secret`` (omit for a public client, which then must use PKCE),
``redirect_uris``, ``grant_types`` (default authorization_code, refresh_token, client_credentials), ``scope`` (an
allow-list) and ``token_endpoint_auth_methods`` (default both client_secret_basic and client_secret_post).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

PACKAGE = "oidc-provider"
VERSION = "9.13.3"
CACHE = Path(os.environ.get("UNIGATE_TEST_CACHE", Path.home() / ".cache" / "unigate-tests")) / "npm-oidc-provider"
SCRIPT = Path(__file__).with_name("server.mjs")


class OAuthServerError(RuntimeError):
    """The test authorization server could not start, or a flow through it did not go as expected."""


def oidc_provider_modules() -> Path:
    """The ``node_modules`` folder holding the pinned oidc-provider, installed with npm on first use."""
    modules = CACHE / "node_modules"
    manifest = modules / PACKAGE / "package.json"

    def installed() -> bool:
        return manifest.exists() and json.loads(manifest.read_text()).get("version") == VERSION

    if installed():
        return modules
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed():
            npm = shutil.which("npm")
            if npm is None:
                raise OAuthServerError("npm is needed to install oidc-provider for the OAuth tests")
            args = [npm, "install", "--silent", "--no-audit", "--no-fund", "--no-save", "--prefix", str(CACHE)]
            subprocess.run([*args, f"{PACKAGE}@{VERSION}"], check=True, timeout=300)
    return modules


@dataclass
class OAuthServer:
    """A running server; endpoints come from its discovery document."""

    issuer: str
    metadata: dict[str, Any]
    resource: str
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def authorization_endpoint(self) -> str:
        return str(self.metadata["authorization_endpoint"])

    @property
    def token_endpoint(self) -> str:
        return str(self.metadata["token_endpoint"])

    @property
    def introspection_endpoint(self) -> str:
        return str(self.metadata["introspection_endpoint"])

    @property
    def revocation_endpoint(self) -> str:
        return str(self.metadata["revocation_endpoint"])

    def log(self) -> str:
        """What the server printed so far (oidc-provider's warnings, errors)."""
        return self.log_path.read_text(errors="replace")

    def stats(self, outcome: Literal["success", "error"] | None = None) -> dict[str, int]:
        """Token-endpoint requests received by grant_type, or only those that succeeded or failed."""
        params = {"outcome": outcome} if outcome else {}
        response = httpx.get(f"{self.issuer}/__stats", params=params, timeout=5)
        response.raise_for_status()
        counts: dict[str, int] = response.json()
        return counts

    def reset_stats(self) -> None:
        httpx.delete(f"{self.issuer}/__stats", timeout=5).raise_for_status()

    async def introspect(self, token: str, client_id: str, client_secret: str) -> dict[str, Any]:
        """RFC 7662 introspection of ``token`` as the given client."""
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(
                self.introspection_endpoint, data={"token": token}, auth=(client_id, client_secret)
            )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    async def consent(self, authorize_url: str, *, approve: bool = True, login: str = "user-1") -> str:
        """Walk ``authorize_url`` through login and consent (or deny) like a browser; return the final redirect.

        Each call is a fresh browser session, so the user always logs in. The redirect back to the client (its
        redirect_uri with ``code`` and ``state``, or ``error=access_denied``) is returned, not followed.
        """
        async with httpx.AsyncClient(follow_redirects=False, timeout=10) as http:
            response = await http.get(authorize_url)
            for _ in range(10):
                location = self._redirect(response)
                path = urlsplit(location).path
                if not location.startswith(self.issuer + "/"):
                    return location
                if not path.startswith("/interaction/"):
                    response = await http.get(location)
                    continue
                page = await http.get(location)
                prompt = re.search(r'data-prompt="(\w+)"', page.text)
                if page.status_code != 200 or prompt is None:
                    raise OAuthServerError(f"interaction page {location}: {page.status_code} {page.text[:300]}")
                if not approve:
                    response = await http.post(f"{location}/abort")
                elif prompt.group(1) == "login":
                    response = await http.post(f"{location}/login", data={"login": login})
                else:
                    response = await http.post(f"{location}/confirm")
            raise OAuthServerError(f"too many redirects from {authorize_url}")

    @staticmethod
    def _redirect(response: httpx.Response) -> str:
        if response.status_code not in (302, 303) or "location" not in response.headers:
            raise OAuthServerError(
                f"{response.request.url}: expected a redirect, got {response.status_code} {response.text[:500]}"
            )
        return urljoin(str(response.request.url), response.headers["location"])


@contextmanager
def run_oauth_server(
    clients: Iterable[Mapping[str, Any]],
    access_token_ttl: int = 60,
    *,
    scopes: Iterable[str] = ("read", "write"),
    accounts: Iterable[str] = ("user-1",),
    access_token_format: Literal["opaque", "jwt"] = "opaque",
    refresh_token_ttl: int | None = None,
    pkce_required: bool = True,
    refresh_requires_offline_access: bool = False,
    startup_timeout: float = 20.0,
) -> Iterator[OAuthServer]:
    """Run oidc-provider on a free 127.0.0.1 port for the duration of the ``with`` block.

    ``scopes`` are the API's scopes (``openid`` and ``offline_access`` are always known); every authorization
    targets one API resource (``server.resource``), so these land in the access token. Refresh tokens rotate on
    every use and a reused one fails with invalid_grant and revokes the whole grant. Refresh tokens are issued
    whenever the client may use the refresh_token grant, unless ``refresh_requires_offline_access``.
    """
    config: dict[str, Any] = {
        "modules": str(oidc_provider_modules()),
        "clients": [dict(c) for c in clients],
        "scopes": list(scopes),
        "accounts": list(accounts),
        "access_token_ttl": access_token_ttl,
        "access_token_format": access_token_format,
        "pkce_required": pkce_required,
        "refresh_requires_offline_access": refresh_requires_offline_access,
    }
    if refresh_token_ttl is not None:
        config["refresh_token_ttl"] = refresh_token_ttl
    node = shutil.which("node")
    if node is None:
        raise OAuthServerError("node is needed to run the test OAuth server")
    with tempfile.TemporaryDirectory(prefix="unigate-oauth-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [node, str(SCRIPT), json.dumps(config)], stdout=log, stderr=subprocess.STDOUT, cwd=tmp
            )
        try:
            issuer = _wait_for_issuer(process, log_path, startup_timeout)
            metadata = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
            yield OAuthServer(issuer, metadata, f"{issuer}/api", log_path, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_issuer(process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"^listening (\S+)$", log_path.read_text(errors="replace"), re.MULTILINE)
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise OAuthServerError(f"oidc-provider did not start (exit {process.poll()}):\n{log_path.read_text()}")
