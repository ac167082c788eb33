"""Zendesk webhooks in: the signature over timestamp + body checked, the trigger's body forwarded to the customer's
app for the connections of its ``subdomain``; records stay as synced (the body carries no ticket); a bad
signature, a missing timestamp or a changed timestamp changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_zendesk
from fake_zendesk import FakeZendesk
from test_unified_zendesk import catalog

from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync

SECRET = "dGhpcyBpcyBhIHNpZ25pbmcgc2VjcmV0"  # Zendesk shows its signing secrets base64-looking; used as text
STAMP = "2026-03-01T10:00:00Z"


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    zd = FakeZendesk()
    customer = zd.add_user("Cora Customer", "end-user")
    zd.add_user("Ada Admin", "admin")
    zd.add_ticket("Printer jammed", customer, "It beeps")
    with zd.run():
        yield zd


@pytest.fixture
async def api(tmp_path: Path, fake: FakeZendesk, unigate_database: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings: dict[str, Any] = {"providers_files": [catalog(tmp_path, fake.base_url)], "allow_private_hosts": True}
    async with make_gateway(plugins=[unigate_zendesk], **settings, **unigate_database) as (_, client):
        credentials = {"type": "OAUTH2", "client_id": fake.client_id, "client_secret": fake.client_secret}
        await client.post("/integrations", json={"provider": "zendesk", "unique_key": "zd", "credentials": credentials})
        admin = next(u for u in fake.users.values() if u.role == "admin")
        for connection_id, subdomain in (("user-1", "acme"), ("user-2", "globex")):
            token = {"type": "OAUTH2", "access_token": fake.oauth_token_for(admin), "no_expiration": True}
            imported = await client.post(
                "/connections",
                json={
                    "provider_config_key": "zd",
                    "connection_id": connection_id,
                    "credentials": token,
                    "connection_config": {"subdomain": subdomain},
                },
            )
            assert imported.status_code == 201, imported.text
        client.headers.update({"Connection-Id": "user-1", "Provider-Config-Key": "zd"})
        assert (await run_sync(client, "zd", "user-1", "tickets"))["status"] == "SUCCESS"
        answer = await client.put("/integrations/zd/webhook-secret", json={"secret": SECRET})
        assert answer.json()["data"]["webhook_url"].endswith("/webhook/prod/zd")
        await client.patch("/environment/webhook-settings", json={"primary_url": "https://app.example/hooks"})
        yield client


def trigger_body(ticket_id: int, subdomain: str | None = "acme") -> dict[str, Any]:
    """What the documented trigger sends: ``{"ticket_id": "{{ticket.id}}", "event": ..., "subdomain": ...}``."""
    body: dict[str, Any] = {"ticket_id": str(ticket_id), "event": "ticket_updated", "status": "pending"}
    return body | ({"subdomain": subdomain} if subdomain else {})


def signed(payload: dict[str, Any], secret: str = SECRET, stamp: str | None = STAMP) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), STAMP.encode() + body, hashlib.sha256).digest()
    headers = {"X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(), "Authorization": ""}
    headers |= {"X-Zendesk-Webhook-Id": "01HN0000000000000000000000", "User-Agent": "Zendesk Webhook"}
    if stamp is not None:
        headers["X-Zendesk-Webhook-Signature-Timestamp"] = stamp
    return {"content": body, "headers": headers}


async def records(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await api.get("/records", params={"model": "Ticket"})).json()["records"]
    return found


async def forwards(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deliveries = (await api.get("/environment/webhook-deliveries")).json()["data"]
    return [d for d in deliveries if d["type"] == "forward"]


async def test_a_trigger_refetches_its_ticket_for_the_connections_of_its_subdomain(
    api: httpx.AsyncClient, fake: FakeZendesk
) -> None:
    (ticket_id,) = fake.tickets
    fake.tickets[ticket_id].subject = "Printer jammed again"  # edited on Zendesk; the trigger names only its id
    answer = await api.post("/webhook/prod/zd", **signed(trigger_body(ticket_id)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 1, "deleted": 0}]
    (record,) = await records(api)
    assert record["name"] == "Printer jammed again" and record["_nango_metadata"]["last_action"] == "UPDATED"
    assert len(fake.requests_to(f"/api/v2/tickets/{ticket_id}", "GET")) == 1  # read once, for user-1 only
    (forward,) = await forwards(api)
    assert forward["payload"]["from"] == "zendesk" and forward["payload"]["connectionId"] == "user-1"
    assert forward["payload"]["payload"]["ticket_id"] == str(ticket_id)


async def test_a_trigger_for_a_ticket_zendesk_no_longer_has_marks_it_deleted(
    api: httpx.AsyncClient, fake: FakeZendesk
) -> None:
    (ticket_id,) = fake.tickets
    del fake.tickets[ticket_id]
    answer = await api.post("/webhook/prod/zd", **signed(trigger_body(ticket_id) | {"event": "ticket_deleted"}))
    assert answer.json()["connections"] == [{"connection_id": "user-1", "added": 0, "updated": 0, "deleted": 1}]
    (record,) = await records(api)
    assert record["_nango_metadata"]["last_action"] == "DELETED"


async def test_a_trigger_without_a_subdomain_goes_to_every_connection(
    api: httpx.AsyncClient, fake: FakeZendesk
) -> None:
    (ticket_id,) = fake.tickets
    answer = await api.post("/webhook/prod/zd", **signed(trigger_body(ticket_id, None)))
    assert [c["connection_id"] for c in answer.json()["connections"]] == ["user-1", "user-2"]
    assert sorted(f["payload"]["connectionId"] for f in await forwards(api)) == ["user-1", "user-2"]


async def test_a_bad_signature_changes_nothing(api: httpx.AsyncClient, fake: FakeZendesk) -> None:
    refused = await api.post("/webhook/prod/zd", **signed(trigger_body(1), secret="not the secret"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    assert await forwards(api) == []


async def test_a_missing_timestamp_changes_nothing(api: httpx.AsyncClient, fake: FakeZendesk) -> None:
    refused = await api.post("/webhook/prod/zd", **signed(trigger_body(1), stamp=None))
    assert refused.status_code == 401 and "Timestamp" in refused.json()["error"]["message"]
    assert await forwards(api) == []


async def test_a_changed_timestamp_changes_nothing(api: httpx.AsyncClient, fake: FakeZendesk) -> None:
    refused = await api.post("/webhook/prod/zd", **signed(trigger_body(1), stamp="2026-03-01T10:05:00Z"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature"
    assert await forwards(api) == []
