"""Webhook handshakes: a plugin's ``WebhookResult.store_secret`` becomes the integration's webhook secret (sealed)
and the answer carries the plugin's headers, with nothing forwarded; later events are checked with that secret.
A secret changed between the plugin's read and the save is a 409, not a silent overwrite."""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.provider import IncomingWebhook, Provider, WebhookRejected, WebhookResult, hookimpl
from gateway.settings import Settings
from gateway.store.engine import sync_url
from tests.conftest import error_of

MEANWHILE: list[Callable[[], Awaitable[None]]] = []  # run inside handle_webhook, before it answers


class HookDemo(Provider):
    """A provider that hands over a secret in ``X-Demo-Secret`` and signs events with ``X-Demo-Token``."""

    catalog_key = "hook-demo"

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        offered = webhook.headers.get("x-demo-secret")
        if offered is not None:
            if webhook.secret:
                raise WebhookRejected("a secret is already set")
            for step in MEANWHILE:
                await step()
            return WebhookResult(
                store_secret=offered, response={"ok": True}, response_headers={"X-Demo-Secret": offered}
            )
        given = webhook.headers.get("x-demo-token", "")
        if not webhook.secret or not hmac.compare_digest(given, webhook.secret):
            raise WebhookRejected("the token does not match")
        return WebhookResult(payload=json.loads(webhook.body))


ENTRY = {
    "display_name": "Hook demo",
    "categories": ["ticketing"],
    "docs": "https://demo.example/docs",
    "auth_mode": "API_KEY",
    "credentials": {"apiKey": {"type": "string", "title": "API key", "secret": True}},
    "proxy": {"base_url": "https://demo.example"},
}
plugin = SimpleNamespace(
    register_catalog=hookimpl(lambda register: register({"hook-demo": ENTRY})),
    register_providers=hookimpl(lambda register: register(HookDemo)),
)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    MEANWHILE.clear()
    gateway = build_gateway(settings, plugins=[plugin], entrypoints=False)
    await gateway.start()
    transport = httpx.ASGITransport(app=create_app(gateway))
    auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
        assert (await client.post("/integrations", json={"provider": "hook-demo", "unique_key": "demo"})).is_success
        made = await client.post(
            "/connections",
            json={
                "provider_config_key": "demo",
                "connection_id": "ann",
                "credentials": {"type": "API_KEY", "apiKey": "k"},
            },
        )
        assert made.status_code == 201, made.text
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client
    await gateway.stop()


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


async def test_a_handshake_stores_the_secret_sealed_and_echoes_it(api: httpx.AsyncClient, settings: Settings) -> None:
    shaken = await api.post(
        "/webhook/prod/demo", headers={"X-Demo-Secret": "b537207f20cbfa02357c", "Authorization": ""}
    )
    assert shaken.status_code == 200, shaken.text
    assert shaken.headers["x-demo-secret"] == "b537207f20cbfa02357c" and shaken.json() == {"ok": True}
    assert await forwards(api) == []  # a handshake is not an event
    engine = create_engine(sync_url(settings.resolved_database_url))
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT secrets FROM integrations WHERE unique_key = 'demo'")).scalar_one()
    engine.dispose()
    assert stored and "b537207f20cbfa02357c" not in str(stored)  # sealed, like PUT /webhook-secret
    event = await api.post(
        "/webhook/prod/demo", json={"n": 1}, headers={"X-Demo-Token": "b537207f20cbfa02357c", "Authorization": ""}
    )
    assert event.status_code == 200 and event.json()["connections"][0]["connection_id"] == "ann"
    (forward,) = await forwards(api)
    assert forward["payload"]["payload"] == {"n": 1}


async def test_a_second_handshake_is_refused_and_keeps_the_first_secret(api: httpx.AsyncClient) -> None:
    assert (await api.post("/webhook/prod/demo", headers={"X-Demo-Secret": "first-secret"})).status_code == 200
    again = await api.post("/webhook/prod/demo", headers={"X-Demo-Secret": "second-secret"})
    assert again.status_code == 401 and error_of(again)["code"] == "invalid_signature"
    kept = await api.post("/webhook/prod/demo", json={}, headers={"X-Demo-Token": "first-secret"})
    assert kept.status_code == 200


async def test_a_secret_set_meanwhile_is_a_conflict_not_an_overwrite(api: httpx.AsyncClient) -> None:
    async def operator_sets_one() -> None:
        assert (await api.put("/integrations/demo/webhook-secret", json={"secret": "operator-secret"})).is_success

    MEANWHILE.append(operator_sets_one)
    raced = await api.post("/webhook/prod/demo", headers={"X-Demo-Secret": "handshake-secret"})
    assert raced.status_code == 409 and error_of(raced)["code"] == "conflict"
    assert (await api.post("/webhook/prod/demo", json={}, headers={"X-Demo-Token": "operator-secret"})).is_success
    refused = await api.post("/webhook/prod/demo", json={}, headers={"X-Demo-Token": "handshake-secret"})
    assert refused.status_code == 401
