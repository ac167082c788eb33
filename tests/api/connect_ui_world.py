"""A real ``unigate serve`` for Connect UI browser tests, with the suite's OAuth server, an API-key provider fake,
and a page of another origin embedding the Connect UI with the published ``@nangohq/frontend`` bundle."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.testing.loopback import run_app
from gateway.testing.npm_cache import npm_member
from tests.oauth_server import OAuthServer, run_oauth_server
from tests.servers import UNIGATE, free_port, unigate_env

FRONTEND_VERSION = "0.71.10"
GOOD_KEY = "ak_live7"
CIRCLE = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="#0f766e"/>'
LOGO = "data:image/svg+xml;base64," + base64.b64encode(CIRCLE + b"</svg>").decode()
#: Real catalog providers, listed (with a client) so that the page offers many: search, categories, logos.
LISTED = ("github", "gitlab", "jira", "linear", "zendesk", "asana", "hubspot", "salesforce", "pipedrive", "attio")


async def whoami(request: Request) -> Response:
    if request.headers.get("authorization") != f"Bearer {GOOD_KEY}":
        return JSONResponse({"message": "This API key was revoked"}, status_code=401)
    return JSONResponse({"id": "u1"})


def catalog(oauth: OAuthServer, provider: str) -> str:
    common = "  categories: [dev-tools]\n  docs: https://example.test/docs\n"
    return (
        f"test-idp:\n  display_name: Test IdP\n{common}  auth_mode: OAUTH2\n"
        f"  authorization_url: {oauth.authorization_endpoint}\n  token_url: {oauth.token_endpoint}\n"
        f"  default_scopes: [read]\n  proxy:\n    base_url: {oauth.issuer}\n"
        f"keyed:\n  display_name: Keyed CRM\n  categories: [crm]\n  docs: https://example.test/docs\n"
        "  auth_mode: API_KEY\n"
        "  credentials:\n    apiKey:\n      type: string\n      title: API key\n"
        "      description: Starts with ak_, from Settings > API\n      pattern: '^ak_[a-z0-9]+$'\n"
        "      example: ak_123\n      secret: true\n"
        f"  proxy:\n    base_url: {provider}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
        "    verification:\n      endpoints: [/me]\n"
    )


TEST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>An app using Nango's frontend</title></head>
<body><h1>My app</h1><script type="module">
import Nango from "/frontend/index.js";
const query = new URLSearchParams(location.search);
window.events = [];
const nango = new Nango({ connectSessionToken: query.get("token") });
window.connectUI = nango.openConnectUI({
  baseURL: query.get("unigate") + "/connect",
  onEvent: (event) => { window.events.push(event); },
});
</script></body></html>
"""


def app_page() -> Starlette:
    """The integrator's page: ``/?token=...&unigate=...`` opens the Connect UI with ``openConnectUI``."""
    dist = npm_member("@nangohq/frontend", FRONTEND_VERSION, "package/dist")

    async def home(request: Request) -> Response:
        return HTMLResponse(TEST_PAGE)

    return Starlette(routes=[Route("/", home), Mount("/frontend", app=StaticFiles(directory=dist))])


@dataclass
class World:
    url: str
    secret_key: str
    app_url: str
    oauth: OAuthServer

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.secret_key}"}, timeout=10)

    def session(self, **body: Any) -> str:
        """A connect session's token (for end user ``end-user-7`` unless ``body`` says otherwise)."""
        with self.api() as api:
            created = api.post("/connect/sessions", json={"end_user": {"id": "end-user-7"}, **body})
            assert created.status_code == 201, created.text
            return str(created.json()["data"]["token"])

    def connections(self) -> list[dict[str, Any]]:
        with self.api() as api:
            found: list[dict[str, Any]] = api.get("/connections").json()["connections"]
            return found


@contextmanager
def serving(env: dict[str, str], port: int) -> Iterator[str]:
    """``unigate serve`` on ``port`` (chosen before, so that the OAuth server knows its callback)."""
    log = Path(env["UNIGATE_DATA_DIR"]) / "server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen([UNIGATE, "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def connect_world(tmp: Path, sqlite_template: Path) -> Iterator[World]:
    port = free_port()
    client = {"client_id": "connect-app", "client_secret": "connect-secret"}
    oauth_client = {**client, "redirect_uris": [f"http://127.0.0.1:{port}/oauth/callback"]}
    with (
        run_oauth_server([oauth_client], access_token_ttl=3600) as oauth,
        run_app(Starlette(routes=[Route("/me", whoami)])) as provider,
        run_app(app_page()) as app_url,
    ):
        db = tmp / "unigate.db"
        shutil.copy(sqlite_template, db)
        (tmp / "catalog.yaml").write_text(catalog(oauth, provider))
        env = unigate_env(
            tmp / "data",
            f"sqlite:///{db}",
            UNIGATE_PROVIDERS_FILES=str(tmp / "catalog.yaml"),
            UNIGATE_ALLOW_PRIVATE_HOSTS="true",
            UNIGATE_CONNECT_NAME="Acme Cloud",
            UNIGATE_CONNECT_LOGO_URL=LOGO,
            UNIGATE_CONNECT_ACCENT="#0f766e",
        )
        with serving(env, port) as url:
            world = World(url, (tmp / "data" / "secret_key").read_text().strip(), app_url, oauth)
            with world.api() as api:
                oauth2 = {"type": "OAUTH2", **client, "scopes": "read"}
                for provider_name, key in [("test-idp", "idp"), ("keyed", "keyed"), *((n, n) for n in LISTED)]:
                    body = {"provider": provider_name, "unique_key": key}
                    if provider_name != "keyed":
                        body["credentials"] = oauth2
                    created = api.post("/integrations", json=body)
                    assert created.status_code in (200, 201), created.text
            yield world


async def consent(popup: Page, *, approve: bool) -> None:
    """Sign in (unless this browser already did) and approve or deny on the OAuth server's pages, as a user would."""
    await popup.locator("h1[data-prompt]").wait_for()
    if await popup.locator("h1[data-prompt=login]").count():
        await popup.get_by_role("button", name="Sign in").click()
        await popup.locator("h1[data-prompt=consent]").wait_for()
    await popup.get_by_role("button", name="Allow" if approve else "Deny").click()
