"""The Connect UI's forms for every served auth mode, posted as a browser would, its theming and its defences."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.testing.loopback import run_app
from tests.api.test_connect_ui import Forms
from tests.auth.conftest import catalog_client
from tests.auth.test_jwt_mode import KEY_ID, SECRET, fake_app
from tests.auth.test_two_step_mode import CLIENT, FakePersonio

BASIC = ("ops@acme.test", "pw-" + "7" * 12)
NO_AUTH = {"Authorization": ""}


async def basic_me(request: Request) -> Response:
    expected = "Basic " + base64.b64encode(":".join(BASIC).encode()).decode()
    if request.headers.get("authorization") != expected:
        return JSONResponse({"error": {"message": "Wrong email or token"}}, status_code=401)
    return JSONResponse({"id": "me"})


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, str, FakePersonio]]:
    personio = FakePersonio()
    routes = [Route("/me", basic_me)]
    with run_app(Starlette(routes=routes)) as basic, run_app(fake_app("")) as jwt, run_app(personio.app()) as url:
        personio.url = url
        yield basic, jwt, personio


def catalog(basic: str, jwt: str, personio: str) -> str:
    return (
        "basicdesk:\n  display_name: Basic Desk\n  categories: [support]\n  docs: https://example.test\n"
        "  auth_mode: BASIC\n  credentials:\n"
        "    username: {type: string, title: Email, format: email, example: jane@example.com}\n"
        "    password: {type: string, title: API token, secret: true}\n"
        "  connection_config:\n    subdomain: {type: string, title: Subdomain, pattern: '^[a-z0-9-]+$'}\n"
        f"  proxy:\n    base_url: {basic}\n    verification:\n      endpoints: [/me]\n"
        "open-data:\n  display_name: Open Data\n  categories: [analytics]\n  docs: https://example.test\n"
        f"  auth_mode: NONE\n  proxy:\n    base_url: {basic}\n"
        f"ghost-admin:\n  proxy:\n    base_url: {jwt}/ghost/api/admin\n    verification:\n      endpoints: [/site/]\n"
        f"personio:\n  token_url: {personio}/v1/auth\n  proxy:\n    base_url: {personio}\n"
        "    verification:\n      endpoints: [/v1/company/employees]\n"
    )


@pytest.fixture
async def api(
    database_url: str, tmp_path: Path, upstream: tuple[str, str, FakePersonio]
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    basic, jwt, personio = upstream
    async with catalog_client(database_url, tmp_path, catalog(basic, jwt, personio.url)) as both:
        app = {"type": "APP", "app_id": "1", "app_link": "https://github.com/apps/acme", "private_key": "k"}
        for provider, credentials in [
            ("basicdesk", None),
            ("open-data", None),
            ("ghost-admin", None),
            ("personio", None),
            ("github-app", app),
        ]:
            body = {
                "provider": provider,
                "unique_key": provider,
                **({"credentials": credentials} if credentials else {}),
            }
            assert (await both[1].post("/integrations", json=body)).status_code in (200, 201)
        yield both


async def link(client: httpx.AsyncClient, **body: object) -> tuple[str, httpx.Response]:
    made = await client.post("/connect/sessions", json={"end_user": {"id": "eu-1"}, **body})
    token = made.json()["data"]["token"]
    return token, await client.get("/connect", params={"session_token": token}, headers=NO_AUTH)


async def submit(client: httpx.AsyncClient, token: str, key: str, data: dict[str, str]) -> httpx.Response:
    return await client.post(f"/connect/forms/{key}", params={"session_token": token}, data=data, headers=NO_AUTH)


async def stored(client: httpx.AsyncClient, key: str) -> list[dict[str, object]]:
    found = (await client.get("/connections")).json()["connections"]
    return [c for c in found if c["provider_config_key"] == key]


async def test_every_mode_gets_its_form(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    _, page = await link(client)
    forms = Forms(page.text).forms
    assert forms["basicdesk"]["inputs"] == {
        "params[subdomain]": ("text", ""),
        "credentials[username]": ("email", ""),
        "credentials[password]": ("password", ""),
    }
    assert forms["open-data"]["inputs"] == {} and forms["open-data"]["method"] == "post"
    assert forms["ghost-admin"]["inputs"] == {
        "params[hostname]": ("text", ""),
        "credentials[keyId]": ("text", ""),
        "credentials[secret]": ("password", ""),
    }
    assert set(forms["personio"]["inputs"]) == {"credentials[client_id]", "credentials[client_secret]"}
    assert forms["github-app"] == {
        "action": "/oauth/connect/github-app",
        "method": "get",
        "inputs": {"connect_session_token": ("hidden", forms["github-app"]["inputs"]["connect_session_token"][1])},
    }
    assert "Install GitHub App" in page.text and 'placeholder="jane@example.com"' in page.text
    assert 'pattern="(?:^[a-z0-9-]+$)"' in page.text and "required" in page.text


async def test_basic_errors_per_field_then_success(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token, _ = await link(client)
    bad = await submit(
        client,
        token,
        "basicdesk",
        {"params[subdomain]": "Acme!", "credentials[username]": "not-mail", "credentials[password]": BASIC[1]},
    )
    assert bad.status_code == 400 and BASIC[1] not in bad.text
    assert Forms(bad.text).alerts == ["Check the subdomain: This does not have the expected form. (and 1 more)"]
    assert "Enter a valid email address, e.g. jane@example.com." in bad.text
    assert 'id="basicdesk-param-subdomain-error"' in bad.text and 'value="Acme!"' in bad.text
    refused = await submit(
        client,
        token,
        "basicdesk",
        {"params[subdomain]": "acme", "credentials[username]": BASIC[0], "credentials[password]": "wrong-token"},
    )
    assert refused.status_code == 400 and "wrong-token" not in refused.text
    assert "Wrong email or token" in Forms(refused.text).alerts[0]  # the provider's own words
    assert '"errorType": "connection_test_failed"' in refused.text
    done = await submit(
        client,
        token,
        "basicdesk",
        {"params[subdomain]": "acme", "credentials[username]": BASIC[0], "credentials[password]": BASIC[1]},
    )
    assert done.status_code == 200 and "Your Basic Desk account is connected." in done.text
    [connection] = await stored(client, "basicdesk")
    assert f"<code>{connection['connection_id']}</code>" in done.text
    assert f'"connectionId": "{connection["connection_id"]}"' in done.text and BASIC[1] not in done.text


async def test_none_jwt_and_two_step(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token, _ = await link(client)
    assert (await submit(client, token, "open-data", {})).status_code == 200
    assert len(await stored(client, "open-data")) == 1
    jwt = {"params[hostname]": "acme.ghost.io", "credentials[keyId]": KEY_ID, "credentials[secret]": "ab" * 32}
    refused = await submit(client, token, "ghost-admin", jwt)
    assert refused.status_code == 400 and "ab" * 32 not in refused.text and await stored(client, "ghost-admin") == []
    done = await submit(client, token, "ghost-admin", {**jwt, "credentials[secret]": SECRET})
    assert done.status_code == 200, Forms(done.text).alerts
    [ghost] = await stored(client, "ghost-admin")
    full = await client.get(f"/connections/{ghost['connection_id']}", params={"provider_config_key": "ghost-admin"})
    assert full.json()["credentials"]["type"] == "JWT" and full.json()["connection_config"] == {
        "hostname": "acme.ghost.io"
    }
    two = {"credentials[client_id]": CLIENT["client_id"], "credentials[client_secret]": "nope"}
    wrong = await submit(client, token, "personio", two)
    assert wrong.status_code == 400 and "personio refused the credentials" in Forms(wrong.text).alerts[0]
    right = await submit(client, token, "personio", {**two, "credentials[client_secret]": CLIENT["client_secret"]})
    assert right.status_code == 200 and len(await stored(client, "personio")) == 1


async def test_session_limits_and_params_cannot_steer(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    token, page = await link(client, allowed_integrations=["open-data"])
    assert list(Forms(page.text).forms) == ["open-data"]
    outside = await submit(client, token, "ghost-admin", {"credentials[keyId]": KEY_ID, "credentials[secret]": SECRET})
    assert outside.status_code == 403 and await stored(client, "ghost-admin") == []
    steer = {"params[base_url]": "http://169.254.169.254", "params[hostname]": "evil.example"}
    done = await submit(client, token, "open-data", steer)  # settings the entry does not declare are not passed on
    [connection] = await stored(client, "open-data")
    full = await client.get(f"/connections/{connection['connection_id']}", params={"provider_config_key": "open-data"})
    assert done.status_code == 200 and full.json()["connection_config"] == {}
    other, _ = await link(client)
    query = {"session_token": other, "integration": "open-data", "connection_id": connection["connection_id"]}
    assert (await client.get("/connect/done", params=query, headers=NO_AUTH)).status_code == 404  # not its own
    query["session_token"] = token
    shown = await client.get("/connect/done", params=query, headers=NO_AUTH)
    assert shown.status_code == 200 and "Your Open Data account is connected." in shown.text
    assert "script-src 'self'" in shown.headers["content-security-policy"]
    assert shown.headers["referrer-policy"] == "same-origin" and shown.headers["cache-control"] == "no-store"


async def test_embedded_shell_and_static(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    shell = await client.get("/connect/", params={"apiURL": "https://api.nango.dev"}, headers=NO_AUTH)
    assert shell.status_code == 200 and 'data-page="shell"' in shell.text
    script = await client.get("/connect/static/connect/connect.js", headers=NO_AUTH)
    assert script.status_code == 200 and '"session_token"' in script.text and 'type: "ready"' in script.text
    assert (await client.get("/connect/static/../settings.py", headers=NO_AUTH)).status_code == 404


async def test_theme_settings(tmp_path: Path, database_url: str) -> None:
    for bad in ("http://acme.test/logo.png", "javascript:alert(1)", 'https://acme.test/"onload="x', "data:text/html,x"):
        with pytest.raises(ValidationError):
            Settings(connect_logo_url=bad)
    with pytest.raises(ValidationError):
        Settings(connect_accent="red")
    themed = Settings(connect_name="Acme", connect_logo_url="https://acme.test/logo.svg", connect_accent="#FFD600")
    assert themed.connect_accent == "#FFD600"
    from gateway.api.connect_theme import Theme

    theme = Theme.of(themed)
    assert theme.on_accent == "#1f2933" and theme.link == "#1f2933"  # a light accent: dark text, dark links
    dark = Theme.of(Settings(connect_accent="#0F766E"))
    assert dark.on_accent == "#ffffff" and dark.link == "#0f766e"
