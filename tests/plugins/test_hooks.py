"""Each hook, exercised through a real plugin manager and gateway (one ``test_hook_<name>`` per hook)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from typer.testing import CliRunner

from gateway.hookspecs import RegisterCatalog, RegisterProvider
from gateway.plugins import PluginError, create_plugin_manager, hookimpl
from gateway.provider import ErrorResolution, Provider, ProviderContext, UpstreamError
from gateway.runtime import Gateway
from gateway.testing.kit import make_gateway

ACME = {
    "acme": {
        "display_name": "Acme",
        "docs": "https://acme.test/docs",
        "auth_mode": "API_KEY",
        "categories": ["crm"],
        "proxy": {"base_url": "https://api.acme.test", "headers": {"authorization": "Bearer ${apiKey}"}},
        "credentials": {"apiKey": {"type": "string", "title": "Key", "description": "d", "secret": True}},
    }
}


class AcmeProvider(Provider):
    catalog_key = "acme"


class AcmePlugin:
    @hookimpl
    def register_catalog(self, register: RegisterCatalog) -> None:
        register(ACME)

    @hookimpl
    def register_providers(self, register: RegisterProvider) -> None:
        register(AcmeProvider)


async def test_hook_register_catalog_and_register_providers() -> None:
    async with make_gateway(plugins=[AcmePlugin()]) as (gateway, client):
        assert isinstance(gateway.providers["acme"], AcmeProvider)
        assert (await client.get("/providers/acme")).json()["data"]["display_name"] == "Acme"


async def test_hook_register_catalog_accepts_a_file(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "acme:\n  display_name: Acme From File\n  docs: https://acme.test\n  auth_mode: NONE\n"
        "  categories: [crm]\n  proxy:\n    base_url: https://api.acme.test\n"
    )

    class FilePlugin:
        @hookimpl
        def register_catalog(self, register: RegisterCatalog) -> None:
            register(path)

    async with make_gateway(plugins=[FilePlugin()]) as (gateway, _):
        assert gateway.catalog["acme"]["display_name"] == "Acme From File"


def test_contributed_entries_are_checked_strictly() -> None:
    class Typo:
        @hookimpl
        def register_catalog(self, register: RegisterCatalog) -> None:
            register({"acme": {**ACME["acme"], "proxi": {}}})

    with pytest.raises(Exception, match="acme: proxi: unknown key"):
        make_gateway_sync([Typo()])


def make_gateway_sync(plugins: list[object]) -> None:
    import asyncio

    async def build() -> None:
        async with make_gateway(plugins=plugins):
            pass

    asyncio.run(build())


def test_provider_without_catalog_entry_is_refused() -> None:
    class Orphan:
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(AcmeProvider)

    with pytest.raises(PluginError, match="register_catalog hook"):
        make_gateway_sync([Orphan()])


def test_two_plugins_claiming_one_provider_fail_naming_both() -> None:
    first, second = AcmePlugin(), AcmePlugin()
    with pytest.raises(PluginError, match="claimed by both .* and .*replaces='acme'"):
        make_gateway_sync([first, second])


async def test_replaces_takes_over_a_provider() -> None:
    class BetterAcme(AcmeProvider):
        pass

    class Override:
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(BetterAcme, replaces="acme")

    async with make_gateway(plugins=[AcmePlugin(), Override()]) as (gateway, _):
        assert type(gateway.providers["acme"]) is BetterAcme
        assert gateway.providers.registrations["acme"].replaced is not None


ACME_EU = {"acme-eu": {**ACME["acme"], "display_name": "Acme EU"}}


class BothAcmes(Provider):
    catalog_keys = ("acme", "acme-eu")


class Both:
    """Contributes both Acme entries and registers one class for them."""

    @hookimpl
    def register_catalog(self, register: RegisterCatalog) -> None:
        register({**ACME, **ACME_EU})

    @hookimpl
    def register_providers(self, register: RegisterProvider) -> None:
        register(BothAcmes)


async def test_one_class_serves_all_its_catalog_keys() -> None:
    async with make_gateway(plugins=[Both()]) as (gateway, _):
        assert gateway.providers["acme"] is gateway.providers["acme-eu"]
        assert isinstance(gateway.providers["acme-eu"], BothAcmes) and BothAcmes.catalog_key == "acme"


async def test_replaces_declared_on_the_class() -> None:
    class Replacement(AcmeProvider):
        replaces = ("acme",)

    class Override:
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(Replacement)

    async with make_gateway(plugins=[AcmePlugin(), Override()]) as (gateway, _):
        assert type(gateway.providers["acme"]) is Replacement
        assert gateway.providers.registrations["acme"].replaces == "acme"


async def test_replacing_one_key_leaves_the_inherited_others_with_their_owner() -> None:
    class OnlyAcme(BothAcmes):
        replaces = ("acme",)

    class Override:
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(OnlyAcme)

    async with make_gateway(plugins=[Both(), Override()]) as (gateway, _):
        assert type(gateway.providers["acme"]) is OnlyAcme and type(gateway.providers["acme-eu"]) is BothAcmes


def test_replacing_a_key_the_class_does_not_serve_is_refused() -> None:
    class Confused:
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(AcmeProvider, replaces="github")

    with pytest.raises(PluginError, match="replaces='github'; it can only replace keys it serves"):
        make_gateway_sync([AcmePlugin(), Confused()])


async def test_hook_register_routes() -> None:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hello from a plugin")

    class Routes:
        @hookimpl
        def register_routes(self, gateway: Gateway) -> list[Route]:
            return [Route("/plugin/hello", hello)]

    async with make_gateway(plugins=[Routes()]) as (_, client):
        assert (await client.get("/plugin/hello")).text == "hello from a plugin"


def test_hook_register_commands() -> None:
    class Commands:
        @hookimpl
        def register_commands(self, cli: typer.Typer) -> None:
            @cli.command()
            def wave(name: str) -> None:
                typer.echo(f"hi {name}")

    cli = typer.Typer()

    @cli.command()
    def other() -> None:
        pass

    create_plugin_manager(load_entrypoints=False, extra=[Commands()]).hook.register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["wave", "ann"])
    assert result.exit_code == 0 and result.output.strip() == "hi ann"


async def test_hook_startup_and_hook_shutdown() -> None:
    seen: list[tuple[str, Any]] = []

    class Lifecycle:
        @hookimpl
        async def startup(self, gateway: Gateway) -> None:
            seen.append(("startup", len(gateway.catalog)))

        @hookimpl
        def shutdown(self, gateway: Gateway) -> None:
            seen.append(("shutdown", gateway.settings.env))

    async with make_gateway(plugins=[Lifecycle()]):
        assert seen and seen[0][0] == "startup" and seen[0][1] > 100
    assert seen[-1] == ("shutdown", "development")


def test_hook_classify_upstream_error() -> None:
    class RateLimitIn400:
        @hookimpl
        def classify_upstream_error(self, provider: Provider, error: UpstreamError) -> ErrorResolution | None:
            if error.status == 400 and b"RATELIMITED" in error.body:
                return ErrorResolution("wait_and_retry", "rate_limited", "Linear-style rate limit", 1.0)
            return None

    pm = create_plugin_manager(load_entrypoints=False, extra=[RateLimitIn400()])
    provider = AcmeProvider()
    limited = pm.hook.classify_upstream_error(
        provider=provider, error=UpstreamError(400, {}, b'{"code":"RATELIMITED"}')
    )
    assert limited.action == "wait_and_retry" and limited.wait_seconds == 1.0
    other = pm.hook.classify_upstream_error(provider=provider, error=UpstreamError(400, {}, b"{}"))
    assert other.action == "fail"  # the built-in table answered
    retry_after = pm.hook.classify_upstream_error(provider=provider, error=UpstreamError(429, {"Retry-After": "7"}))
    assert retry_after.wait_seconds == 7.0


def test_misspelt_hook_fails_at_startup() -> None:
    class Typo:
        @hookimpl
        def register_provider(self, register: RegisterProvider) -> None:  # missing "s"
            pass

    with pytest.raises(PluginError, match="register_provider"):
        create_plugin_manager(load_entrypoints=False, extra=[Typo()])


def test_disable_and_load_switches() -> None:
    pm = create_plugin_manager(load_entrypoints=False, disabled="gateway.default_plugins.error_classifier")
    answer = pm.hook.classify_upstream_error(provider=AcmeProvider(), error=UpstreamError(500))
    assert answer is None
    with pytest.raises(PluginError, match="UNIGATE_LOAD_PLUGINS names 'nope'"):
        create_plugin_manager(only="nope")


async def test_plugins_are_isolated_per_gateway() -> None:
    async with make_gateway(plugins=[AcmePlugin()]) as (first, _):
        async with make_gateway() as (second, client):
            assert "acme" in first.providers and "acme" not in second.providers
            assert (await client.get("/providers/acme")).status_code == 404


async def test_provider_hooks_run_after_creation_and_before_deletion() -> None:
    events: list[str] = []

    class Tracked(AcmeProvider):
        async def post_connection(self, ctx: ProviderContext) -> None:
            events.append(f"created {ctx.connection_id}")
            ctx.connection_config["account_id"] = "acct-7"

        async def pre_connection_deletion(self, ctx: ProviderContext) -> None:
            events.append(f"deleting {ctx.connection_id} of {ctx.connection_config['account_id']}")

    class TrackedPlugin(AcmePlugin):
        @hookimpl
        def register_providers(self, register: RegisterProvider) -> None:
            register(Tracked)

    async with make_gateway(plugins=[TrackedPlugin()]) as (_, client):
        await client.post("/integrations", json={"provider": "acme", "unique_key": "acme"})
        token = (await client.post("/connect/sessions", json={"end_user": {"id": "u"}})).json()["data"]["token"]
        # no proxy.verification in the entry: the key is stored as given, then post_connection runs
        created = await client.post(
            "/api-auth/api-key/acme",
            params={"connection_id": "c9", "connect_session_token": token},
            json={"apiKey": "k"},
            headers={"Authorization": ""},
        )
        assert created.status_code == 200, created.text
        stored = (await client.get("/connections/c9", params={"provider_config_key": "acme"})).json()
        assert stored["connection_config"] == {"account_id": "acct-7"}
        assert (await client.delete("/connections/c9", params={"provider_config_key": "acme"})).status_code == 200
    assert events == ["created c9", "deleting c9 of acct-7"]
