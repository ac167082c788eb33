"""Unigate's provider contract, applied to the Linear plugin's two catalog entries."""

from __future__ import annotations

from typing import Any, ClassVar

import unigate_linear

from gateway.testing.contract import ProviderContractTests


class TestLinearContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_linear
    catalog_key: ClassVar[str] = "linear"


class TestLinearApiKeyContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_linear
    catalog_key: ClassVar[str] = "linear-api-key"
