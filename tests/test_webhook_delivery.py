"""Webhooks to the customer's app: queued with the event, signed, delivered to a real receiver on loopback,
retried on 5xx, given up on 4xx, listed through the API."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.runtime import Gateway
from gateway.settings import Settings
from gateway.testing.loopback import run_app


@dataclass
class Receiver:
    """The customer's app: keeps what it received, answers with the statuses queued in ``answers``."""

    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    url: str = ""

    async def hook(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        return Response(status_code=self.answers.pop(0) if self.answers else 200)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    with run_app(Starlette(routes=[Route("/hooks", found.hook, methods=["POST"])])) as url:
        found.url = f"{url}/hooks"
        yield found


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    settings = settings.model_copy(update={"allow_private_hosts": True, "webhook_sweep_seconds": 0.05})
    gateway = build_gateway(settings, entrypoints=False)
    await gateway.start()
    transport = httpx.ASGITransport(app=create_app(gateway))
    auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
        yield gateway, client
    await gateway.stop()


async def _import(client: httpx.AsyncClient, connection_id: str = "ann") -> httpx.Response:
    await client.post("/integrations", json={"provider": "github", "unique_key": "gh"})
    return await client.post(
        "/connections",
        json={
            "provider_config_key": "gh",
            "connection_id": connection_id,
            "credentials": {"type": "OAUTH2", "access_token": "gho_secret_token", "no_expiration": True},
        },
    )


async def _deliveries(client: httpx.AsyncClient, until: str, count: int = 1) -> list[dict[str, Any]]:
    for _ in range(200):
        data: list[dict[str, Any]] = (await client.get("/environment/webhook-deliveries")).json()["data"]
        if len([d for d in data if d["status"] == until]) >= count:
            return data
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {until} delivery: {data}")


async def test_a_new_connection_sends_a_signed_auth_webhook(
    api: tuple[Gateway, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, client = api
    patched = await client.patch("/environment/webhook-settings", json={"primary_url": receiver.url})
    assert patched.json()["data"]["primary_url"] == receiver.url and not patched.json()["data"]["has_signing_key"]
    key = (await client.post("/environment/webhook-signing-key/rotate")).json()["data"]["signing_key"]
    assert (await _import(client)).status_code == 201
    (delivery,) = await _deliveries(client, "delivered")
    assert (delivery["type"], delivery["attempts"], delivery["last_status_code"]) == ("auth", 1, 200)
    (headers, body), *_ = receiver.received
    assert headers["x-nango-hmac-sha256"] == hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-nango-signature"] == hashlib.sha256(key.encode() + body).hexdigest()
    assert "authorization" not in headers and b"gho_secret_token" not in body
    payload = delivery["payload"]
    assert payload == {
        **payload,
        "from": "nango",
        "type": "auth",
        "operation": "creation",
        "connectionId": "ann",
        "providerConfigKey": "gh",
        "provider": "github",
        "authMode": "OAUTH2",
        "success": True,
    }
    await _import(client)  # the same connection again: an override
    await _deliveries(client, "delivered", 2)
    assert b'"operation":"override"' in receiver.received[-1][1]


async def test_5xx_is_retried_and_4xx_is_not(api: tuple[Gateway, httpx.AsyncClient], receiver: Receiver) -> None:
    _, client = api
    await client.patch("/environment/webhook-settings", json={"primary_url": receiver.url})
    receiver.answers = [503, 200]
    await _import(client, "ann")
    (delivered,) = await _deliveries(client, "delivered")
    assert delivered["attempts"] == 2 and len(receiver.received) == 2
    receiver.answers = [410]
    await _import(client, "bob")
    failed = [d for d in await _deliveries(client, "failed") if d["status"] == "failed"]
    assert failed[0]["attempts"] == 1 and "410" in failed[0]["last_error"]


async def test_no_url_or_event_switched_off_sends_nothing(
    api: tuple[Gateway, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, client = api
    await _import(client, "ann")
    await client.patch("/environment/webhook-settings", json={"primary_url": receiver.url, "on_auth_creation": False})
    await _import(client, "bob")
    await asyncio.sleep(0.3)
    assert (await client.get("/environment/webhook-deliveries")).json()["data"] == [] and receiver.received == []


async def test_a_refused_connection_sends_no_webhook(
    api: tuple[Gateway, httpx.AsyncClient], receiver: Receiver
) -> None:
    _, client = api
    await client.patch("/environment/webhook-settings", json={"primary_url": receiver.url})
    refused = await client.post(
        "/connections", json={"provider_config_key": "missing", "connection_id": "x", "credentials": {"type": "OAUTH2"}}
    )
    assert refused.status_code in (400, 404)
    await asyncio.sleep(0.2)
    assert (await client.get("/environment/webhook-deliveries")).json()["data"] == []


async def test_bad_settings_are_refused(api: tuple[Gateway, httpx.AsyncClient]) -> None:
    _, client = api
    bad = await client.patch("/environment/webhook-settings", json={"primary_url": "ftp://example.com/hook"})
    assert bad.status_code == 400 and bad.json()["error"]["errors"][0]["path"] == ["primary_url"]
    unknown = await client.patch("/environment/webhook-settings", json={"on_everything": True})
    assert unknown.status_code == 400
    null_flag = await client.patch("/environment/webhook-settings", json={"on_sync_error": None})
    assert null_flag.status_code == 400 and "true or false" in null_flag.json()["error"]["message"]
    assert (await client.get("/environment/webhook-settings")).json()["data"]["primary_url"] is None
