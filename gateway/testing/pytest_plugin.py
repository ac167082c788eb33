"""Unigate's pytest plugin (entry point ``pytest11``): fixtures for plugin authors.

- ``unigate_gateway``: an async factory; ``async with unigate_gateway(plugins=[mod]) as (gateway, client)``.
- ``unigate_database``: runs a test on SQLite and on PostgreSQL; ``make_gateway(..., **unigate_database)``.
- ``ProviderContractTests`` (``gateway.testing.contract``): the contract suite a provider plugin inherits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gateway.testing.databases import DATABASES, database_overrides
from gateway.testing.kit import make_gateway


@pytest.fixture
def unigate_gateway() -> Callable[..., Any]:
    """Build an isolated, started gateway with chosen plugins: see ``gateway.testing.kit.make_gateway``."""
    return make_gateway


@pytest.fixture(params=DATABASES)
def unigate_database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """``make_gateway`` overrides for SQLite, then for a fresh PostgreSQL database (see gateway.testing.databases)."""
    with database_overrides(request.param) as overrides:
        yield overrides
