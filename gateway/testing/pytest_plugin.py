"""Unigate's pytest plugin (entry point ``pytest11``): fixtures for plugin authors.

- ``unigate_gateway``: an async factory; ``async with unigate_gateway(plugins=[mod]) as (gateway, client)``.
- ``ProviderContractTests`` (``gateway.testing.contract``): the contract suite a provider plugin inherits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gateway.testing.kit import make_gateway


@pytest.fixture
def unigate_gateway() -> Callable[..., Any]:
    """Build an isolated, started gateway with chosen plugins: see ``gateway.testing.kit.make_gateway``."""
    return make_gateway
