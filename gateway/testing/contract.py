"""Contract tests every provider plugin inherits: ``class TestAcme(ProviderContractTests): plugin = unigate_acme``.

The checks run against the plugin alone (built-ins aside) on an in-memory gateway: it registers a provider for a
catalog entry, the entry passes the strict catalog checks, and each resource declares the operations it serves.
"""

from __future__ import annotations

from typing import Any, ClassVar

from gateway.catalog.validation import check_resolved_entry
from gateway.provider import Provider
from gateway.testing.kit import make_gateway


class ProviderContractTests:
    """Subclass in a plugin's tests and set ``plugin`` (the module with the hooks) and ``catalog_key``."""

    plugin: ClassVar[Any] = None
    catalog_key: ClassVar[str] = ""

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
