"""The composition root: one instance of each service, shared by everything that needs it."""

from __future__ import annotations

from pathlib import Path

from gateway.testing.kit import make_gateway


async def test_services_share_one_instance_of_each_dependency(tmp_path: Path) -> None:
    async with make_gateway(data_dir=tmp_path) as (gateway, _client):
        assert gateway.tokens.catalog is gateway.catalog and gateway.live.catalog is gateway.catalog
        assert gateway.tokens.vault is gateway.vault and gateway.live.vault is gateway.vault
        assert gateway.tokens.sessions is gateway.sessions and gateway.live.sessions is gateway.sessions
        assert gateway.tokens.providers is gateway.providers


async def test_the_connection_cache_and_the_cross_server_notifier_are_wired_both_ways(tmp_path: Path) -> None:
    """Writes here reach the other servers (``publish``); their writes empty this cache (``forget``)."""
    async with make_gateway(data_dir=tmp_path) as (gateway, _client):
        assert gateway.live.publish == gateway.changes.publish
        assert gateway.changes.forget == gateway.live.forget
