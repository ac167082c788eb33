"""The Connect UI page a connect session's link opens: what it offers, and its forms submitted as a browser would."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.testing.loopback import run_app
from tests.api.test_docs_page import CHROMIUM_FLAGS, chromium
from tests.auth.conftest import catalog_client
from tests.servers import running_server, unigate_env

GOOD_KEY = "acme-live-key"


async def whoami(request: Request) -> Response:
    if request.headers.get("authorization") != f"Bearer {GOOD_KEY}":
        return JSONResponse({"message": "invalid key"}, status_code=401)
    return JSONResponse({"id": "u1"})


def catalog(provider: str) -> str:
    common = "  categories: [dev-tools]\n  docs: https://example.test\n"
    region = (
        "  connection_config:\n    region:\n      type: string\n      title: Region\n"
        "      description: Where your account lives\n      pattern: '^(eu|us)$'\n      example: eu\n"
    )
    return (
        f"keyed:\n  display_name: Keyed CRM\n{common}  auth_mode: API_KEY\n{region}"
        f"  proxy:\n    base_url: {provider}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
        "    verification:\n      endpoints: [/me]\n"
        f"oauthy:\n  display_name: OAuthy Desk\n{common}  auth_mode: OAUTH2\n"
        "  authorization_url: https://${connectionConfig.subdomain}.oauthy.example/authorize\n"
        "  token_url: https://${connectionConfig.subdomain}.oauthy.example/token\n"
        "  connection_config:\n    subdomain:\n      type: string\n      title: Subdomain\n"
        "      pattern: '^[a-z0-9-]+$'\n  proxy:\n    base_url: https://api.oauthy.example\n"
    )


class Forms(HTMLParser):
    """The page's sections and forms: ``{section id: {"action", "method", "inputs": {name: type}}}``, alerts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, object]] = {}
        self.alerts: list[str] = []
        self._section = ""
        self._alert = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = str(a.get("id", "")).removeprefix("integration-")
        elif tag == "form":
            self.forms[self._section] = {"action": a["action"], "method": a["method"], "inputs": {}}
        elif tag == "input" and self._section in self.forms:
            inputs = self.forms[self._section]["inputs"]
            assert isinstance(inputs, dict)
            inputs[str(a["name"])] = (a.get("type") or "text", a.get("value") or "")
        self._alert = a.get("role") == "alert"

    def handle_data(self, data: str) -> None:
        if self._alert and data.strip():
            self.alerts.append(data.strip())
            self._alert = False


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_app(Starlette(routes=[Route("/me", whoami)])) as url:
        yield url


@pytest.fixture
async def api(database_url: str, tmp_path: Path, provider: str) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    async with catalog_client(database_url, tmp_path, catalog(provider)) as both:
        await both[1].post("/integrations", json={"provider": "keyed", "unique_key": "keyed"})
        client = {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}
        await both[1].post("/integrations", json={"provider": "oauthy", "unique_key": "oauthy", "credentials": client})
        await both[1].post("/integrations", json={"provider": "keyed", "unique_key": "not-offered"})
        yield both


async def open_link(client: httpx.AsyncClient) -> tuple[str, Forms]:
    session = await client.post(
        "/connect/sessions",
        json={"end_user": {"id": "end-user-7"}, "allowed_integrations": ["keyed", "oauthy"]},
    )
    link = urlsplit(session.json()["data"]["connect_link"])
    page = await client.get(f"{link.path}?{link.query}", headers={"Authorization": ""})
    assert page.status_code == 200 and "Connect an account" in page.text
    return parse_qs(link.query)["session_token"][0], Forms(page.text)


async def test_page_offers_the_allowed_integrations_with_their_fields(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token, page = await open_link(client)
    assert sorted(page.forms) == ["keyed", "oauthy"]
    keyed, oauthy = page.forms["keyed"], page.forms["oauthy"]
    assert keyed["method"] == "post" and keyed["inputs"] == {
        "params[region]": ("text", ""),
        "credentials[apiKey]": ("password", ""),
    }
    assert oauthy["method"] == "get" and oauthy["action"] == "/oauth/connect/oauthy"
    assert oauthy["inputs"] == {"connect_session_token": ("hidden", token), "params[subdomain]": ("text", "")}


async def test_api_key_form_verifies_then_stores(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token, page = await open_link(client)
    action = str(page.forms["keyed"]["action"])
    no_key = await client.post(action, data={"params[region]": "eu"}, headers={"Authorization": ""})
    assert no_key.status_code == 400 and Forms(no_key.text).alerts == ["Fill in API key"]
    wrong = await client.post(
        action, data={"params[region]": "eu", "credentials[apiKey]": "not-it"}, headers={"Authorization": ""}
    )
    again = Forms(wrong.text)
    assert wrong.status_code == 400 and "not-it" not in wrong.text
    assert len(again.alerts) == 1 and "refused" in again.alerts[0].lower()
    assert again.forms["keyed"]["inputs"]["params[region]"] == ("text", "eu")  # what was typed is kept, not secrets
    bad_region = await client.post(
        action, data={"params[region]": "mars", "credentials[apiKey]": GOOD_KEY}, headers={"Authorization": ""}
    )
    assert bad_region.status_code == 400 and "region" in Forms(bad_region.text).alerts[0]
    assert (await client.get("/connections")).json()["connections"] == []
    done = await client.post(
        action, data={"params[region]": "eu", "credentials[apiKey]": GOOD_KEY}, headers={"Authorization": ""}
    )
    assert done.status_code == 200 and "nango_oauth_callback_success" in done.text
    [connection] = (await client.get("/connections")).json()["connections"]
    stored = await client.get(f"/connections/{connection['connection_id']}", params={"provider_config_key": "keyed"})
    assert stored.json()["end_user"] == {"id": "end-user-7"} and stored.json()["connection_config"] == {"region": "eu"}
    assert stored.json()["credentials"] == {"type": "API_KEY", "apiKey": GOOD_KEY}


async def test_oauth_button_starts_the_provider_flow(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    _, page = await open_link(client)
    form = page.forms["oauthy"]
    values = {name: value for name, (_, value) in dict(form["inputs"]).items()}  # type: ignore[call-overload]
    started = await client.get(
        str(form["action"]), params={**values, "params[subdomain]": "acme"}, headers={"Authorization": ""}
    )
    assert started.status_code == 302, started.text
    assert started.headers["location"].startswith("https://acme.oauthy.example/authorize?")


async def test_bad_links_and_integrations_outside_the_session(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    unknown = await client.get("/connect", params={"session_token": "nango_connect_session_" + "0" * 64})
    assert unknown.status_code == 401 and "unknown or expired" in unknown.text
    token, _ = await open_link(client)
    outside = await client.post(
        "/connect/forms/not-offered", params={"session_token": token}, data={"credentials[apiKey]": GOOD_KEY}
    )
    assert outside.status_code == 403 and (await client.get("/connections")).json()["connections"] == []


def test_page_renders_in_chromium(sqlite_template: Path, tmp_path: Path, provider: str) -> None:
    db = tmp_path / "unigate.db"
    shutil.copy(sqlite_template, db)
    override = tmp_path / "catalog.yaml"
    override.write_text(catalog(provider))
    env = unigate_env(tmp_path / "data", f"sqlite:///{db}", UNIGATE_PROVIDERS_FILES=str(override))
    with running_server(env) as server:
        auth = {"Authorization": f"Bearer {server.secret_key}"}
        httpx.post(f"{server.url}/integrations", headers=auth, json={"provider": "keyed", "unique_key": "keyed"})
        session = httpx.post(f"{server.url}/connect/sessions", headers=auth, json={"end_user": {"id": "u"}})
        link = session.json()["data"]["connect_link"]
        dom = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", link],
            capture_output=True,
            text=True,
            timeout=90,
        ).stdout
    assert "<h2>Keyed CRM</h2>" in dom and 'name="credentials[apiKey]"' in dom and "Connect Keyed CRM" in dom
