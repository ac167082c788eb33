"""Nango's published catalog (npm ``@nangohq/providers``, installed at test time, never committed) loads clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.catalog.capabilities import coverage
from gateway.catalog.loader import check_catalog_files, load_catalog
from gateway.testing.npm_cache import npm_member


@pytest.fixture(scope="session")
def nango_catalog() -> Path:
    return npm_member("@nangohq/providers", "0.71.10", "package/providers.yaml")


def test_every_nango_entry_loads_without_error(nango_catalog: Path) -> None:
    count, problems = check_catalog_files([nango_catalog], strict=False)
    assert count == 1013
    assert [str(p) for p in problems if p.severity == "error"] == []
    catalog = load_catalog(files=[], overrides=[nango_catalog])
    assert len(catalog) == 1013
    assert catalog["github"]["proxy"]["base_url"] == "https://api.github.com"


def test_unknown_keys_are_kept(nango_catalog: Path) -> None:
    catalog = load_catalog(files=[], overrides=[nango_catalog])
    assert catalog["zendesk"]["connection_config"]["subdomain"]["pattern"]
    assert sum(1 for e in catalog.values() if e.get("alias")) == 69


def test_auth_mode_coverage(nango_catalog: Path) -> None:
    total, served = coverage(load_catalog(files=[], overrides=[nango_catalog]))
    assert sum(total.values()) == 1013
    assert served["OAUTH2"] == total["OAUTH2"] and served["API_KEY"] == total["API_KEY"]
    assert served["OAUTH2_CC"] == total["OAUTH2_CC"] == 112 and (served["BASIC"], total["BASIC"]) == (95, 99)
    # Modes with a flow of their own: OAuth 1 and APP in full; JWT without fingerprint() (Snowflake); TWO_STEP
    # without client assertions or XML bodies; MCP_OAUTH2 only with a static client (no dynamic registration).
    assert {m: (served[m], total[m]) for m in ("OAUTH1", "APP", "JWT", "TWO_STEP", "MCP_OAUTH2", "NONE")} == {
        "OAUTH1": (4, 4),
        "APP": (1, 1),
        "JWT": (3, 4),
        "TWO_STEP": (56, 66),
        "MCP_OAUTH2": (4, 30),
        "NONE": (2, 2),
    }
    for mode in ("AWS_SIGV4", "TBA", "BILL", "SIGNATURE", "CUSTOM", "MCP_OAUTH2_GENERIC", "INSTALL_PLUGIN"):
        assert served[mode] == 0, mode
    assert sum(served.values()) == 963  # 95.1 %
