"""Contract tests every provider plugin inherits: ``class TestAcme(ProviderContractTests): plugin = unigate_acme``.

Static checks run against the plugin alone (built-ins aside) on an in-memory gateway: it registers a provider for a
catalog entry, the entry passes the strict catalog checks, and each resource declares the operations it serves.

Live checks need the plugin's fake: the subclass implements ``contract_world``, a context manager yielding a
``ContractWorld`` (a running ``FakeUpstream`` holding some objects, and the connection to import). They check that
the connection's credentials reach the provider, that list routes walk the provider's pages, that the provider's
rate-limit and not-found answers are classified, and that every object listed validates against its unified model.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

from gateway.catalog.validation import check_resolved_entry
from gateway.provider import LIST_FILTERS, Provider
from gateway.runtime import Gateway
from gateway.testing.fake_upstream import FailureFactory, FakeUpstream
from gateway.testing.kit import make_gateway
from gateway.testing.syncs import run_sync
from gateway.unified.reference import resource_model


@dataclass
class ContractWorld:
    """A running fake with some objects in it, and how to connect to it.

    ``fake`` must check credentials through ``FakeUpstream.tokens`` (the auth check revokes them all).
    ``lists`` maps list routes (a query string may narrow them) to how many objects each lists in all, at least 3
    (``{"/tickets?collection_id=KAN": 5, "/tickets/KAN-1/comments": 3}``). ``missing`` is a route answering 404
    (``"/tickets/KAN-999"``).
    ``short_rate_limit`` answers a request with the provider's rate-limit response asking to wait about a second
    (the contract checks one such answer is retried; the fake's default ``rate_limit_response`` may ask for longer).
    ``connection`` holds the ``POST /connections`` fields besides ``provider_config_key`` and ``connection_id``
    (``credentials``, ``connection_config``); ``integration`` the ``POST /integrations`` fields besides ``provider``
    and ``unique_key``. ``catalog`` is the override of the plugin's catalog entry (default: the proxy's base URL is
    the fake's).
    """

    fake: FakeUpstream
    connection: dict[str, Any]
    lists: dict[str, int]
    missing: str
    short_rate_limit: FailureFactory
    integration: dict[str, Any] = field(default_factory=dict)
    catalog: dict[str, Any] | None = None


OAUTH_CLIENT: dict[str, Any] = {"credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}}


def oauth_import(access_token: str, **connection_config: str) -> dict[str, Any]:
    """``ContractWorld`` fields (``connection``, ``integration``) for an imported OAuth 2 token that does not expire."""
    credentials = {"type": "OAUTH2", "access_token": access_token, "no_expiration": True}
    return {**credential_import(credentials, **connection_config), "integration": OAUTH_CLIENT}


def credential_import(credentials: dict[str, Any], **connection_config: str) -> dict[str, Any]:
    """``ContractWorld`` fields for an imported connection with these credentials (API key, Basic, ...)."""
    connection: dict[str, Any] = {"credentials": credentials}
    if connection_config:
        connection["connection_config"] = connection_config
    return {"connection": connection}


class ProviderContractTests:
    """Subclass in a plugin's tests: set ``plugin`` (the module with the hooks) and ``catalog_key``, and implement
    ``contract_world``."""

    plugin: ClassVar[Any] = None
    catalog_key: ClassVar[str] = ""

    gateway: Gateway  # the gateway of the running ``connected`` world

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        """Start the plugin's fake with objects in it and yield how to use it (see ``ContractWorld``)."""
        raise NotImplementedError(f"{type(self).__name__} must implement contract_world() for the live checks")
        yield  # pragma: no cover

    # -- static checks ---------------------------------------------------------------------------------------------
    async def test_plugin_registers_its_provider(self) -> None:
        async with make_gateway(plugins=[self.plugin]) as (gateway, _):
            assert self.catalog_key in gateway.providers, (
                f"{self.plugin.__name__} did not register a provider for {self.catalog_key!r} in register_providers"
            )
            assert isinstance(gateway.providers[self.catalog_key], Provider)

    async def test_catalog_entry_passes_strict_checks(self) -> None:
        async with make_gateway(plugins=[self.plugin]) as (gateway, _):
            entry = gateway.catalog[self.catalog_key]
            problems = check_resolved_entry("catalog", self.catalog_key, entry, strict=True)
            assert [str(p) for p in problems if p.severity == "error"] == []

    async def test_provider_is_served_by_the_api(self) -> None:
        async with make_gateway(plugins=[self.plugin]) as (_, client):
            response = await client.get(f"/providers/{self.catalog_key}")
            assert response.status_code == 200, response.text
            assert response.json()["data"]["name"] == self.catalog_key

    async def test_resources_declare_operations(self) -> None:
        async with make_gateway(plugins=[self.plugin]) as (gateway, _):
            provider = gateway.providers[self.catalog_key]
            for name, resource in provider.resources.items():
                assert resource.operations(), f"resource {name!r} of {self.catalog_key} overrides no operation"

    async def test_resources_follow_the_contract(self) -> None:
        """Every operation of a resource has a route, declared filters are ``ListQuery`` filters, and every key of
        ``catalog_keys`` is in the catalog (so the gateway can refuse the rest and stamp ``provider``)."""
        async with make_gateway(plugins=[self.plugin]) as (gateway, _):
            provider = gateway.providers[self.catalog_key]
            assert self.catalog_key in type(provider).catalog_keys
            missing = [key for key in type(provider).catalog_keys if key not in gateway.catalog]
            assert missing == [], f"catalog_keys not in the catalog: {missing}"
            for name, resource in provider.resources.items():
                paths = gateway.resource_types[name].paths()
                unrouted = [op for op in resource.operations() if op not in paths]
                assert not unrouted, f"{name}: operations {unrouted} have no route (declare their models)"
                unknown = set(resource.filters) - LIST_FILTERS
                assert not unknown, f"{name} declares filters that are not ListQuery filters: {sorted(unknown)}"
                if "list" not in resource.operations():
                    assert not resource.filters, f"{name} declares filters but does not list"

    # -- live checks against the plugin's fake ---------------------------------------------------------------------
    @asynccontextmanager
    async def connected(self) -> AsyncIterator[tuple[ContractWorld, httpx.AsyncClient]]:
        """A gateway pointed at the fake, with the world's connection imported; the client names it in headers."""
        import tempfile

        with self.contract_world() as world, tempfile.TemporaryDirectory() as scratch:
            assert all(count >= 3 for count in world.lists.values()), "each list needs 3 objects or more"
            override = Path(scratch) / "contract.yaml"
            entry = world.catalog if world.catalog is not None else {"proxy": {"base_url": world.fake.base_url}}
            override.write_text(yaml.safe_dump({self.catalog_key: entry}))
            async with make_gateway(
                plugins=[self.plugin], providers_files=[override], allow_private_hosts=True, proxy_max_retry_wait=2
            ) as (gateway, client):
                self.gateway = gateway
                made = await client.post(
                    "/integrations",
                    json={"provider": self.catalog_key, "unique_key": "contract", **world.integration},
                )
                assert made.status_code in (200, 201), made.text
                imported = await client.post(
                    "/connections",
                    json={"provider_config_key": "contract", "connection_id": "contract-user", **world.connection},
                )
                assert imported.status_code in (200, 201), imported.text
                client.headers.update({"Connection-Id": "contract-user", "Provider-Config-Key": "contract"})
                yield world, client

    async def test_credentials_are_applied_to_requests(self) -> None:
        async with self.connected() as (world, client):
            route = next(iter(world.lists))
            first = await _get(client, route, {})
            assert first.status_code == 200, f"{route} with the connection's credentials: {first.text}"
            for token in world.fake.tokens.values():
                token.revoked = True
            refused = await _get(client, route, {})
            assert refused.status_code == 502, refused.text
            assert refused.json()["error"]["code"] == "upstream_unauthorized"

    async def test_list_routes_follow_the_provider_pages(self) -> None:
        async with self.connected() as (world, client):
            for route, count in world.lists.items():
                before = len(world.fake.requests)
                ids = await _walk(client, route, page_size=2, limit=count)
                assert len(ids) == count and len(set(ids)) == count, f"{route}: walked {ids}, expected {count}"
                assert len(world.fake.requests) - before >= math.ceil(count / 2), f"{route}: one provider call"
                whole = await _get(client, route, {"page_size": 200})
                assert whole.status_code == 200, whole.text
                assert sorted(item["id"] for item in whole.json()["data"]) == sorted(ids), f"{route}: {whole.text}"
                assert whole.json()["next_cursor"] is None

    async def test_provider_errors_are_classified(self) -> None:
        async with self.connected() as (world, client):
            route = next(iter(world.lists))
            before = len(world.fake.requests)
            world.fake.fail_next(1, world.short_rate_limit)
            retried = await _get(client, route, {"page_size": 200})
            assert retried.status_code == 200, f"one rate-limit answer was not retried: {retried.text}"
            assert len(world.fake.requests) - before >= 2
            world.fake.fail_next(50)
            limited = await _get(client, route, {"page_size": 200})
            assert limited.status_code == 429, limited.text
            assert limited.json()["error"]["code"] == "rate_limited"
            world.fake.clear_failures()
            missing = await client.get(world.missing)
            assert missing.status_code == 404, missing.text
            assert missing.json()["error"]["code"] == "not_found"

    async def test_outputs_validate_against_the_unified_models(self) -> None:
        async with self.connected() as (world, client):
            for route in world.lists:
                resources = self.gateway.providers[self.catalog_key].resources
                path = urlsplit(route).path.strip("/")  # the name may hold a slash (crm/contacts)
                name = max((n for n in resources if path == n or path.endswith("/" + n)), key=len)
                cls = resources[name]
                model = resource_model(self.gateway.resource_types[name], cls)
                answer = await _get(client, route, {"page_size": 200, "include_remote_data": "true"})
                assert answer.status_code == 200, answer.text
                for item in answer.json()["data"]:
                    parsed = model.model_validate(item)
                    assert parsed.provider == self.catalog_key and parsed.remote_data is not None, item
                plain = await _get(client, route, {"page_size": 3})
                assert all(item["remote_data"] is None for item in plain.json()["data"])

    async def test_declared_syncs_run_against_the_fake(self) -> None:
        """Every sync the provider declares runs to success; the world's lists end up in the records."""
        async with self.connected() as (world, client):
            provider = self.gateway.providers[self.catalog_key]
            counts: dict[str, int] = {}
            for name in type(provider).syncs:
                status = await run_sync(client, "contract", "contract-user", name)
                assert status["status"] == "SUCCESS", f"sync {name}: {status['error']}"
                counts.update(status["recordCount"])
            for route, count in world.lists.items():
                name = urlsplit(route).path.strip("/")
                sync = next((s for s in type(provider).syncs.values() if s.resource == name), None)
                if sync is not None and "?" not in route:
                    model = self.gateway.resource_types[name].model.__name__
                    assert counts[model] >= count, f"{name}: {counts[model]} records, {count} listed by {route}"
            for model in counts:
                answer = await client.get("/records", params={"model": model, "limit": 100})
                stamped = {record["provider"] for record in answer.json()["records"]}
                assert stamped <= {self.catalog_key}, f"{model} records say provider {stamped}, not {self.catalog_key}"


async def _walk(client: httpx.AsyncClient, route: str, *, page_size: int, limit: int) -> list[str]:
    """Every id of a list route, following ``next_cursor`` (at most ``limit + 2`` pages).

    Later pages send only the cursor (and the page size): the cursor must carry the route's filters.
    """
    ids: list[str] = []
    page = await _get(client, route, {"page_size": page_size})
    for _ in range(limit + 2):
        assert page.status_code == 200, page.text
        ids += [item["id"] for item in page.json()["data"]]
        if page.json()["next_cursor"] is None:
            return ids
        following = {"page_size": page_size, "cursor": page.json()["next_cursor"]}
        page = await client.get(urlsplit(route).path, params=following)
    raise AssertionError(f"{route} did not end after {limit + 2} pages")


async def _get(client: httpx.AsyncClient, route: str, params: dict[str, Any]) -> httpx.Response:
    """``GET route`` with ``params`` added to the route's own query string."""
    parts = urlsplit(route)
    return await client.get(parts.path, params={**dict(parse_qsl(parts.query)), **params})
