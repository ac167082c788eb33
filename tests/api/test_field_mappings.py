"""Per-customer field mapping: an integration (or one connection) names the provider field behind each unified
``custom_fields`` name; the unified routes read and write ``custom_fields`` by those names."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from types import SimpleNamespace
from typing import Any, ClassVar

import httpx
import pytest

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.provider import ListQuery, Provider, ProviderContext, Resource, ResourcePage, Written, hookimpl
from gateway.settings import Settings
from tests.conftest import error_of
from unified_models import CrmContact, CrmContactCreate, CrmContactUpdate

STORED: dict[str, dict[str, Any]] = {}  # what the "provider" keeps: contact id -> its custom fields, provider-named


class Contacts(Resource[CrmContact, CrmContactCreate, CrmContactUpdate]):
    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[CrmContact]:
        return ResourcePage([await self.get(ctx, key) for key in STORED])

    async def get(self, ctx: ProviderContext, remote_id: str) -> CrmContact:
        return CrmContact(id=remote_id, remote_id=remote_id, provider="x", custom_fields=dict(STORED[remote_id]))

    async def create(self, ctx: ProviderContext, data: CrmContactCreate) -> Written[CrmContact]:
        key = str(len(STORED) + 1)
        STORED[key] = dict(data.custom_fields)
        return Written(await self.get(ctx, key))


class MiniCrm(Provider):
    catalog_key = "mini-crm"
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {"crm/contacts": Contacts}


ENTRY = {
    "display_name": "Mini CRM",
    "categories": ["crm"],
    "docs": "https://mini-crm.example/docs",
    "auth_mode": "API_KEY",
    "credentials": {"apiKey": {"type": "string", "title": "API key", "secret": True}},
    "proxy": {"base_url": "https://mini-crm.example", "headers": {"authorization": "Bearer ${apiKey}"}},
}
plugin = SimpleNamespace(
    register_catalog=hookimpl(lambda register: register({"mini-crm": ENTRY})),
    register_providers=hookimpl(lambda register: register(MiniCrm)),
)
HEADERS = {"Connection-Id": "ann", "Provider-Config-Key": "crm"}


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    STORED.clear()
    gateway = build_gateway(settings, plugins=[plugin], entrypoints=False)
    await gateway.start()
    transport = httpx.ASGITransport(app=create_app(gateway))
    auth = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://unigate.test", headers=auth) as client:
        await client.post("/integrations", json={"provider": "mini-crm", "unique_key": "crm"})
        for user in ("ann", "bob"):
            made = await client.post(
                "/connections",
                json={
                    "provider_config_key": "crm",
                    "connection_id": user,
                    "credentials": {"type": "API_KEY", "apiKey": "k"},
                },
            )
            assert made.status_code == 201, made.text
        yield client
    await gateway.stop()


async def test_custom_fields_are_read_and_written_by_the_mapped_names(api: httpx.AsyncClient) -> None:
    unmapped = await api.post("/crm/contacts", json={"custom_fields": {"colour__c": "red"}}, headers=HEADERS)
    assert unmapped.json()["data"]["custom_fields"] == {"colour__c": "red"}  # no mapping: the provider's names
    mapping = {"crm/contacts": {"favourite_colour": "colour__c", "tier": "tier__c"}}
    put = await api.put("/integrations/crm/field-mappings", json={"mappings": mapping})
    assert put.status_code == 200, put.text
    assert put.json()["data"] == {"mappings": mapping, "effective": mapping}
    created = await api.post(
        "/crm/contacts", json={"custom_fields": {"favourite_colour": "blue", "other__c": 1}}, headers=HEADERS
    )
    assert created.status_code == 201, created.text
    assert STORED["2"] == {"colour__c": "blue", "other__c": 1}  # the provider got its own field names
    assert created.json()["data"]["custom_fields"] == {"favourite_colour": "blue", "other__c": 1}
    listed = await api.get("/crm/contacts", headers=HEADERS)
    assert [c["custom_fields"] for c in listed.json()["data"]] == [
        {"favourite_colour": "red"},
        {"favourite_colour": "blue", "other__c": 1},
    ]
    reference = (await api.get("/integrations/crm/reference")).json()["data"]
    assert reference["field_mappings"] == mapping


async def test_a_connection_overrides_its_integrations_mapping(api: httpx.AsyncClient) -> None:
    await api.put("/integrations/crm/field-mappings", json={"mappings": {"crm/contacts": {"colour": "colour__c"}}})
    own = {"crm/contacts": {"colour": "bob_colour__c"}}
    put = await api.put("/connections/bob/field-mappings?provider_config_key=crm", json={"mappings": own})
    assert put.status_code == 200 and put.json()["data"]["effective"] == own
    await api.post(
        "/crm/contacts", json={"custom_fields": {"colour": "green"}}, headers={**HEADERS, "Connection-Id": "bob"}
    )
    await api.post("/crm/contacts", json={"custom_fields": {"colour": "teal"}}, headers=HEADERS)
    assert STORED == {"1": {"bob_colour__c": "green"}, "2": {"colour__c": "teal"}}
    read = await api.get("/connections/ann/field-mappings", params={"provider_config_key": "crm"})
    assert read.json()["data"] == {"mappings": {}, "effective": {"crm/contacts": {"colour": "colour__c"}}}
    cleared = await api.put("/integrations/crm/field-mappings", json={"mappings": {}})
    assert cleared.json()["data"]["mappings"] == {}
    listed = await api.get("/crm/contacts", headers=HEADERS)
    assert [c["custom_fields"] for c in listed.json()["data"]] == [{"bob_colour__c": "green"}, {"colour__c": "teal"}]


@pytest.mark.parametrize(
    ("mappings", "named"),
    [
        ({"crm/leads": {"a": "b"}}, "mappings.crm/leads: no such resource with custom_fields"),
        ({"tickets": {"a": "b"}}, "mappings.tickets: no such resource with custom_fields"),
        ({"crm/contacts": {"a": "x__c", "b": "x__c"}}, "'a' and 'b' both map to 'x__c'"),
        ({"crm/contacts": {"not a name": "x"}}, "mappings.crm/contacts.not a name"),
        ({"crm/contacts": {"a": ""}}, "mappings.crm/contacts.a"),
    ],
)
async def test_bad_mappings_are_refused_naming_the_entry(
    api: httpx.AsyncClient, mappings: dict[str, Any], named: str
) -> None:
    answer = await api.put("/integrations/crm/field-mappings", json={"mappings": mappings})
    assert answer.status_code == 400 and named in error_of(answer)["message"], answer.text
    assert (await api.get("/integrations/crm/field-mappings")).json()["data"]["mappings"] == {}  # nothing changed


async def test_unknown_scopes_are_404(api: httpx.AsyncClient) -> None:
    missing = await api.put("/integrations/nope/field-mappings", json={"mappings": {}})
    assert missing.status_code == 404
    stranger = await api.get("/connections/mallory/field-mappings", params={"provider_config_key": "crm"})
    assert stranger.status_code == 404 and error_of(stranger)["code"] == "unknown_connection"
    no_key = await api.get("/connections/ann/field-mappings")
    assert no_key.status_code == 400 and "provider_config_key" in error_of(no_key)["message"]
    anonymous = await api.get("/integrations/crm/field-mappings", headers={"Authorization": ""})
    assert anonymous.status_code == 401
